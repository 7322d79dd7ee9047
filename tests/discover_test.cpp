#include <gtest/gtest.h>

#include <filesystem>

#include "engine/discover.hpp"
#include "engine/glob.hpp"
#include "helpers.hpp"

namespace infralint {
namespace {

using test::TempTree;

TEST(Classify, ByName) {
  EXPECT_EQ(classify_by_name("main.tf"), "terraform");
  EXPECT_EQ(classify_by_name("x/vars.tfvars.json"), "terraform");
  EXPECT_EQ(classify_by_name("main.tofu"), "terraform");
  EXPECT_EQ(classify_by_name("Dockerfile"), "dockerfile");
  EXPECT_EQ(classify_by_name("a/Dockerfile.prod"), "dockerfile");
  EXPECT_EQ(classify_by_name("a/Dockerfile-alpine.template"), "dockerfile");
  EXPECT_EQ(classify_by_name("api.Dockerfile"), "dockerfile");
  EXPECT_EQ(classify_by_name("b.dockerfile"), "dockerfile");
  EXPECT_EQ(classify_by_name("Containerfile"), "dockerfile");
  EXPECT_EQ(classify_by_name("Dockerfile.dockerignore"), "");
  EXPECT_EQ(classify_by_name("docker-compose.prod.yml"), "compose");
  EXPECT_EQ(classify_by_name("compose.yaml"), "compose");
  EXPECT_EQ(classify_by_name(".github/workflows/ci.yml"), "github-workflow");
  EXPECT_EQ(classify_by_name("sub/.github/workflows/ci.yaml"), "github-workflow");
  EXPECT_EQ(classify_by_name(".github/dependabot.yml"), "dependabot");
  EXPECT_EQ(classify_by_name("k8s/deploy.yaml"), std::string(kSniffYaml));
  EXPECT_EQ(classify_by_name("README.md"), "");
}

TEST(Classify, Manifests) {
  EXPECT_EQ(manifest_ecosystem("backend/requirements-dev.txt"), "pip");
  EXPECT_EQ(manifest_ecosystem("pyproject.toml"), "pip");
  EXPECT_EQ(manifest_ecosystem("web/package.json"), "npm");
  EXPECT_EQ(manifest_ecosystem("go.mod"), "gomod");
  EXPECT_EQ(manifest_ecosystem("Dockerfile"), "docker");
  EXPECT_EQ(manifest_ecosystem(".github/workflows/ci.yml"), "github-actions");
  EXPECT_EQ(manifest_ecosystem("infra/main.tf"), "terraform");
  EXPECT_EQ(manifest_ecosystem("notes.txt"), "");
}

TEST(Glob, GitignoreSemantics) {
  IgnoreRules r;
  r.add("# comment");
  r.add("*.log");
  r.add("/build/");
  r.add("docs/**/draft-*.yaml");
  r.add("!keep.log");
  r.add("tmp/");
  EXPECT_EQ(r.match("a.log", false), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("deep/x/a.log", false), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("keep.log", false), IgnoreRules::Match::Included);
  EXPECT_EQ(r.match("build", true), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("src/build", true), IgnoreRules::Match::None);  // anchored
  EXPECT_EQ(r.match("docs/draft-1.yaml", false), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("docs/a/b/draft-1.yaml", false), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("tmp", false), IgnoreRules::Match::None);  // a file named tmp
  EXPECT_EQ(r.match("tmp", true), IgnoreRules::Match::Ignored);
  EXPECT_EQ(r.match("tmp/x.yaml", false), IgnoreRules::Match::Ignored);
}

std::vector<std::string> paths(const Discovery& d) {
  std::vector<std::string> out;
  for (const auto& f : d.files) out.push_back(f.path + "=" + f.format);
  return out;
}

TEST(Discover, WalksSkipsAndHonoursGitignore) {
  TempTree t;
  t.write("Dockerfile", "FROM a\n");
  t.write(".gitignore", "ignored/\n*.gen.yaml\n");
  t.write("ignored/compose.yaml", "services: {}\n");
  t.write("k8s/app.gen.yaml", "x: 1\n");
  t.write("k8s/app.yaml", "x: 1\n");
  t.write("node_modules/pkg/Dockerfile", "FROM a\n");
  t.write(".terraform/modules/m/main.tf", "");
  t.write(".git/config.yaml", "x: 1\n");
  t.write("infra/main.tf", "");
  DiscoverOptions opt;
  opt.paths = {t.root().string()};
  Discovery d = discover(opt);
  EXPECT_EQ(paths(d), (std::vector<std::string>{"Dockerfile=dockerfile", "infra/main.tf=terraform",
                                                "k8s/app.yaml=yaml"}));
  opt.use_gitignore = false;
  d = discover(opt);
  EXPECT_EQ(d.files.size(), 5u);
  opt.use_gitignore = true;
  opt.excludes = {"infra"};
  d = discover(opt);
  EXPECT_EQ(paths(d), (std::vector<std::string>{"Dockerfile=dockerfile", "k8s/app.yaml=yaml"}));
}

TEST(Discover, SymlinksStayInsideTheRootAndLoopsEnd) {
  TempTree outside;
  outside.write("Dockerfile", "FROM a\n");
  TempTree t;
  t.write("real/Dockerfile", "FROM a\n");
  std::filesystem::create_directory_symlink(outside.root(), t.root() / "escape");
  std::filesystem::create_directory_symlink(t.root() / "real", t.root() / "alias");
  std::filesystem::create_symlink(t.root() / "loop", t.root() / "loop");
  DiscoverOptions opt;
  opt.paths = {t.root().string()};
  Discovery d = discover(opt);
  // real/Dockerfile once (the alias reaches the same file), nothing from outside.
  ASSERT_EQ(d.files.size(), 1u);
  bool outside_reported = false;
  bool loop_reported = false;
  for (const auto& x : d.diagnostics) {
    outside_reported |=
        x.path == "escape" && x.message.find("outside the scan root") != std::string::npos;
    loop_reported |= x.path == "loop" && x.message.find("symlink loop") != std::string::npos;
  }
  EXPECT_TRUE(outside_reported);
  EXPECT_TRUE(loop_reported);
}

TEST(Discover, HelmTemplatesAreSkippedOncePerChart) {
  TempTree t;
  t.write("chart/Chart.yaml", "apiVersion: v2\nname: c\n");
  t.write("chart/values.yaml", "replicas: 1\n");
  t.write("chart/templates/deploy.yaml",
          "apiVersion: apps/v1\nkind: Deployment\n{{ .Values.x }}\n");
  t.write("chart/templates/svc.yaml", "apiVersion: v1\nkind: Service\n");
  DiscoverOptions opt;
  opt.paths = {t.root().string()};
  Discovery d = discover(opt);
  for (const auto& f : d.files) EXPECT_EQ(f.path.find("templates/"), std::string::npos) << f.path;
  size_t chart_notes = 0;
  for (const auto& x : d.diagnostics) chart_notes += x.path == "chart/Chart.yaml";
  EXPECT_EQ(chart_notes, 1u);
}

TEST(Discover, NamedFilesAreScannedWhateverTheirName) {
  TempTree t;
  const auto f = t.write("deploy.txt", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
  LoadOptions opt;
  opt.discover.paths = {f.string()};
  Graph g = load(opt).graph;
  ASSERT_EQ(g.resources.size(), 1u);
  EXPECT_EQ(g.resources[0].type, "Service");
}

TEST(Discover, ForcedType) {
  TempTree t;
  t.write("x.yaml", "services:\n  a: {image: a}\n");
  LoadOptions opt;
  opt.discover.forced_type = "kubernetes";
  Graph g = test::load_tree(t, opt);
  EXPECT_EQ(g.files[g.file_index("x.yaml")].format, "kubernetes");
  EXPECT_TRUE(g.resources.empty());  // not a Kubernetes object
}

TEST(Discover, MissingPathIsAUsageError) {
  LoadOptions opt;
  opt.discover.paths = {"/nonexistent/infralint/path"};
  LoadResult r = load(opt);
  EXPECT_TRUE(r.usage_error);
  ASSERT_FALSE(r.graph.diagnostics.empty());
}

TEST(Discover, StdinWithSeveralDocuments) {
  LoadOptions opt;
  opt.use_stdin = true;
  opt.stdin_name = "chart/rendered.yaml";
  opt.discover.forced_type = "kubernetes";
  opt.stdin_text =
      "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: "
      "Service\nmetadata: {name: b}\n";
  Graph g = load(opt).graph;
  ASSERT_EQ(g.resources.size(), 2u);
  EXPECT_EQ(g.files[g.resources[1].file].path, "chart/rendered.yaml");
  EXPECT_EQ(g.position(g.resources[1].file, g.resources[1].span.begin).line, 5u);
}

TEST(Discover, ManifestsBecomeResources) {
  TempTree t;
  t.write("backend/requirements.txt", "flask\n");
  t.write("backend/pyproject.toml", "");
  t.write("web/package.json", "{}");
  t.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
  Graph g = test::load_tree(t);
  EXPECT_NE(test::find_resource(g, "manifest:pip:/backend"), nullptr);
  EXPECT_NE(test::find_resource(g, "manifest:npm:/web"), nullptr);
  EXPECT_NE(test::find_resource(g, "manifest:github-actions:/"), nullptr);
  EXPECT_EQ(test::find_resource(g, "manifest:pip:/backend")->attributes.get("files")->items.size(),
            2u);
}

}  // namespace
}  // namespace infralint
