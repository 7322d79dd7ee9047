// The real-world corpus in ../shared/corpus: every file classified as its list says, parsed
// without an error, and every resource at the line where its definition starts.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include "helpers.hpp"

namespace infralint {
namespace {

const std::string kCorpus = INFRALINT_CORPUS_DIR;

std::vector<std::string> read_list(const std::string& name) {
  std::ifstream in(kCorpus + "/lists/" + name + ".txt");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Files of the k8s and dockerfile lists that are templates, not plain files, with the reason.
const std::map<std::string, std::string> kTemplates = {
    {"kubernetes-examples/_archived/newrelic-infrastructure/newrelic-config-template.yaml",
     "{{config_data}} placeholder"},
    {"kubernetes-examples/_archived/newrelic/newrelic-config-template.yaml",
     "{{config_data}} placeholder"},
    {"kubernetes-examples/_archived/storage/vitess/etcd-controller-template.yaml",
     "{{cell}} placeholders"},
    {"kubernetes-examples/_archived/storage/vitess/etcd-service-template.yaml",
     "{{cell}} placeholders"},
    {"kubernetes-examples/_archived/storage/vitess/vtctld-controller-template.yaml",
     "{{...}} placeholders"},
    {"kubernetes-examples/_archived/storage/vitess/vtgate-controller-template.yaml",
     "{{cell}} placeholders"},
    {"docker-library-postgres/Dockerfile-alpine.template", "jq template"},
    {"docker-library-postgres/Dockerfile-debian.template", "jq template"},
    {"docker-library-python/Dockerfile-linux.template", "jq template"},
    {"docker-library-python/Dockerfile-windows.template", "jq template"},
};

// A Helm template that is valid YAML: its only marker sits inside a quoted string.
const std::set<std::string> kPlainYamlHelm = {
    "terraform-aws-eks-blueprints/patterns/vpc-lattice/cross-cluster-pod-communication/cluster/"
    "charts/platform/"
    "templates/kyverno-cluster-policy.yaml"};

class Corpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "the corpus is missing: " << kCorpus;
    graph_ = new Graph(test::load_dir(kCorpus));
  }
  static void TearDownTestSuite() {
    delete graph_;
    graph_ = nullptr;
  }
  static const Graph& g() { return *graph_; }
  static std::string format_of(const std::string& path) {
    const uint32_t i = g().file_index(path);
    return i == kNoFile ? "<not found>" : g().files[i].format;
  }
  static std::vector<const Diagnostic*> errors_of(const std::string& path) {
    std::vector<const Diagnostic*> out;
    for (const auto* d : test::diagnostics_for(g(), path)) {
      if (d->severity == Severity::Error) out.push_back(d);
    }
    return out;
  }
  static Graph* graph_;
};
Graph* Corpus::graph_ = nullptr;

TEST_F(Corpus, EveryFileIsClassifiedAsItsListSays) {
  const std::pair<const char*, const char*> lists[] = {
      {"compose", "compose"}, {"dockerfile", "dockerfile"}, {"k8s", "kubernetes"},
      {"tf", "terraform"},    {"tfvars", "terraform"},      {"github-workflow", "github-workflow"}};
  for (const auto& [list, format] : lists) {
    const auto files = read_list(list);
    ASSERT_FALSE(files.empty()) << list;
    for (const auto& f : files) {
      const std::string want =
          kTemplates.count(f) && std::string(format) == "kubernetes" ? "" : format;
      EXPECT_EQ(format_of(f), want) << f;
    }
  }
  // Helm templates are not plain YAML: reported once each as templates, and not scanned.
  for (const auto& f : read_list("k8s-helm")) {
    if (kPlainYamlHelm.count(f)) {
      EXPECT_EQ(format_of(f), "kubernetes") << f;
      continue;
    }
    auto d = test::diagnostics_for(g(), f);
    ASSERT_EQ(d.size(), 1u) << f;
    EXPECT_EQ(d[0]->severity, Severity::Info) << f;
    EXPECT_NE(d[0]->message.find("template markers"), std::string::npos) << f;
  }
}

TEST_F(Corpus, ComposeDockerfileAndKubernetesFilesParseWithoutErrors) {
  for (const char* list : {"compose", "dockerfile", "k8s"}) {
    for (const auto& f : read_list(list)) {
      for (const auto* d : errors_of(f))
        ADD_FAILURE() << f << ":" << d->start.line << ":" << d->start.column << ": " << d->message;
      if (kTemplates.count(f)) {
        auto d = test::diagnostics_for(g(), f);
        ASSERT_EQ(d.size(), 1u) << f;
        EXPECT_NE(d[0]->message.find("template markers"), std::string::npos)
            << f << " (" << kTemplates.at(f) << ")";
      }
    }
  }
}

std::string trim_item(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '-' || line[i] == '\t')) ++i;
  return std::string(line.substr(i));
}

TEST_F(Corpus, ResourcesStartWhereTheirDefinitionStarts) {
  size_t services = 0, stages = 0, objects = 0;
  for (const auto& r : g().resources) {
    const SourceFile* src = g().source(r.file);
    ASSERT_NE(src, nullptr) << r.address;
    const Position p = src->position(r.span.begin);
    const std::string line(src->line_text(p.line - 1));
    const std::string at = line.substr(std::min<size_t>(line.size(), p.column - 1));
    if (r.type == "compose_service") {
      ++services;
      // The service's key: "name:" (possibly quoted).
      EXPECT_TRUE(at.rfind(r.name + ":", 0) == 0 || at.rfind("\"" + r.name + "\":", 0) == 0 ||
                  at.rfind("'" + r.name + "':", 0) == 0)
          << r.address << " at " << src->path() << ":" << p.line << ": " << line;
    } else if (r.type == "dockerfile_stage") {
      ++stages;
      std::string word = at.substr(0, 4);
      for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      EXPECT_EQ(word, "FROM") << r.address << " at " << src->path() << ":" << p.line;
    } else if (r.format == "kubernetes") {
      ++objects;
      // An object starts at its first key, in block or flow style.
      std::string first = trim_item(at);
      if (!first.empty() && first[0] == '{') first = first.substr(1);
      const size_t colon = first.find(':');
      ASSERT_NE(colon, std::string::npos)
          << r.address << " at " << src->path() << ":" << p.line << ": " << line;
      std::string key = first.substr(0, colon);
      if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'')) key = key.substr(1, key.size() - 2);
      EXPECT_NE(r.attributes.get(key), nullptr)
          << r.address << " at " << src->path() << ":" << p.line << ": " << line;
    }
  }
  // Counted independently of the parsers: FROM lines of the plain Dockerfiles.
  size_t from_lines = 0;
  for (const auto& f : read_list("dockerfile")) {
    if (kTemplates.count(f)) continue;
    std::ifstream in(kCorpus + "/" + f);
    for (std::string line; std::getline(in, line);) {
      size_t i = 0;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      std::string word = line.substr(i, 5);
      for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      from_lines += word == "FROM " || word == "FROM\t";
    }
  }
  EXPECT_EQ(stages, from_lines);
  EXPECT_GT(services, 400u);
  EXPECT_GT(objects, 1000u);
}

TEST_F(Corpus, TerraformParsesEvaluatesAndResolvesLocalModules) {
  size_t files = 0;
  for (const auto& f : read_list("tf")) {
    ++files;
    for (const auto* d : errors_of(f))
      ADD_FAILURE() << f << ":" << d->start.line << ":" << d->start.column << ": " << d->message;
  }
  EXPECT_EQ(files, 1065u);
  for (const auto& d : g().diagnostics) {
    EXPECT_EQ(d.message.find("no Terraform files at"), std::string::npos)
        << d.path << ": " << d.message;
    EXPECT_EQ(d.message.find("calls itself"), std::string::npos) << d.path << ": " << d.message;
  }
  // Examples call their module by a local path: the module's resources appear under them.
  const Resource* vpc =
      test::find_resource(g(), "terraform-aws-vpc/examples/simple:module.vpc.aws_vpc.this[0]");
  ASSERT_NE(vpc, nullptr);
  EXPECT_EQ(vpc->attributes.get("cidr_block")->text, "10.0.0.0/16");
  size_t module_resources = 0;
  for (const auto& r : g().resources) {
    module_resources += r.format == "terraform" && r.address.find(":module.") != std::string::npos;
  }
  EXPECT_GT(module_resources, 1000u);
}

TEST_F(Corpus, LinksAcrossFiles) {
  size_t builds = 0;
  size_t selects = 0;
  for (const auto& e : g().edges) {
    builds += e.kind == "builds_from";
    selects += e.kind == "selects";
  }
  // awesome-compose services build from Dockerfiles beside them; kube-prometheus Services
  // select its Deployments.
  EXPECT_GT(builds, 50u);
  EXPECT_GT(selects, 100u);
  EXPECT_TRUE(test::has_edge(g(), "awesome-compose/nginx-golang:compose:backend",
                             "dockerfile:awesome-compose/nginx-golang/backend/Dockerfile",
                             "builds_from"));
}

}  // namespace
}  // namespace infralint
