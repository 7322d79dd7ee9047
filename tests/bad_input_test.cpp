// Every kind of bad input gives a diagnostic with a position, and the rest of the scan goes on.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.hpp"

namespace infralint {
namespace {

using test::diagnostics_for;
using test::find_resource;
using test::TempTree;

// A good file beside every bad one proves that the scan went on.
void write_good(const TempTree& t) {
  t.write("good/Dockerfile", "FROM alpine:3.19\n");
}
bool scan_went_on(const Graph& g) {
  return find_resource(g, "dockerfile:good/Dockerfile#0") != nullptr;
}

const Diagnostic* only(const Graph& g, std::string_view path) {
  auto d = diagnostics_for(g, path);
  EXPECT_EQ(d.size(), 1u) << path;
  return d.empty() ? nullptr : d[0];
}

TEST(BadInput, InvalidUtf8) {
  TempTree t;
  write_good(t);
  t.write("k8s.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xE9\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "k8s.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Error);
  EXPECT_EQ(d->start.line, 4u);
  EXPECT_EQ(d->start.column, 12u);
  EXPECT_NE(d->message.find("invalid UTF-8 (byte 0xE9)"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, ByteOrderMark) {
  TempTree t;
  t.write("compose.yaml", "\xEF\xBB\xBFservices:\n  web:\n    image: nginx:1.25\n");
  Graph g = test::load_tree(t);
  const Resource* web = find_resource(g, "compose:web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(test::range(g, *web->attributes.get("image")), "3:12-3:22");
  EXPECT_TRUE(diagnostics_for(g, "compose.yaml").empty());
}

TEST(BadInput, CrLfLineEndings) {
  TempTree t;
  t.write("Dockerfile", "FROM alpine:3.19\r\nRUN apk add \\\r\n  curl\r\nUSER app\r\n");
  t.write("compose.yaml", "services:\r\n  web:\r\n    image: nginx:1.25\r\n");
  Graph g = test::load_tree(t);
  const Resource* stage = find_resource(g, "dockerfile:Dockerfile#0");
  ASSERT_NE(stage, nullptr);
  EXPECT_EQ(stage->attributes.get("user")->text, "app");
  EXPECT_EQ(stage->attributes.get("instructions")->items[1].get("value")->text, "apk add   curl");
  EXPECT_EQ(test::range(g, *find_resource(g, "compose:web")->attributes.get("image")), "3:12-3:22");
  EXPECT_TRUE(g.diagnostics.empty());
}

TEST(BadInput, TabsInYamlIndentation) {
  TempTree t;
  write_good(t);
  t.write("compose.yaml", "services:\n\tweb:\n\t\timage: x\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "compose.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->start.line, 2u);
  EXPECT_EQ(d->start.column, 1u);
  EXPECT_NE(d->message.find("tab character"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, DuplicateKeys) {
  TempTree t;
  t.write("compose.yaml", "services:\n  web:\n    image: a:1\n    image: b:2\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "compose.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Warning);
  EXPECT_EQ(d->start.line, 4u);
  EXPECT_EQ(d->start.column, 5u);
  EXPECT_EQ(find_resource(g, "compose:web")->attributes.get("image")->text, "b:2");
}

TEST(BadInput, EmptyFiles) {
  TempTree t;
  write_good(t);
  t.write("Dockerfile", "");
  t.write("compose.yaml", "\n\n");
  Graph g = test::load_tree(t);
  for (const char* p : {"Dockerfile", "compose.yaml"}) {
    const Diagnostic* d = only(g, p);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->severity, Severity::Info);
    EXPECT_EQ(d->message, "empty file");
  }
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, BinaryFiles) {
  TempTree t;
  write_good(t);
  t.write("Dockerfile", std::string("FROM a\0\x01\x02", 9));
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "Dockerfile");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("binary file"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, FileOverTheSizeCap) {
  TempTree t;
  write_good(t);
  t.write("compose.yaml", "services:\n" + std::string(2000, '#') + "\n");
  LoadOptions opt;
  opt.max_file_size = 1000;
  Graph g = test::load_tree(t, opt);
  const Diagnostic* d = only(g, "compose.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Warning);
  EXPECT_NE(d->message.find("1000-byte cap"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, UnreadableFile) {
  TempTree t;
  write_good(t);
  // A FIFO cannot be read as a file (and must not hang the scan); root reads files whatever
  // their mode, so the mode is tested only for other users.
  const auto fifo = t.root() / "Dockerfile";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  LoadOptions opt;
  opt.discover.paths = {(t.root() / "good").string(), fifo.string()};
  Graph g = load(opt).graph;
  const Diagnostic* d = only(g, "Dockerfile");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Error);
  EXPECT_NE(d->message.find("cannot read file: not a regular file"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
  if (geteuid() != 0) {
    std::filesystem::remove(fifo);
    const auto p = t.write("Dockerfile", "FROM a\n");
    chmod(p.c_str(), 0);
    g = test::load_tree(t);
    d = only(g, "Dockerfile");
    ASSERT_NE(d, nullptr);
    EXPECT_NE(d->message.find("cannot read file"), std::string::npos);
  }
}

TEST(BadInput, SymlinkLoop) {
  TempTree t;
  write_good(t);
  std::filesystem::create_directory_symlink(t.root() / "a", t.root() / "b");
  std::filesystem::create_directory_symlink(t.root() / "b", t.root() / "a");
  Graph g = test::load_tree(t);
  EXPECT_FALSE(diagnostics_for(g, "a").empty());
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, AliasBomb) {
  TempTree t;
  write_good(t);
  std::string bomb =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a "
      "[\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string("  ") + c + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + prev;
    bomb += "]\n";
    prev = c;
  }
  t.write("bomb.yaml", bomb);
  Graph g = test::load_tree(t);
  auto d = diagnostics_for(g, "bomb.yaml");
  ASSERT_FALSE(d.empty());
  EXPECT_NE(d[0]->message.find("alias expansion exceeds"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, HundredThousandNestedBrackets) {
  TempTree t;
  write_good(t);
  t.write("compose.yaml",
          "services: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  t.write("deep.yaml", "x: " + std::string(100000, '{'));
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "compose.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("nesting deeper than"), std::string::npos);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, UnterminatedHeredoc) {
  TempTree t;
  write_good(t);
  t.write("Dockerfile", "FROM a\nRUN <<EOF\nnever closed\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "Dockerfile");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->start.line, 2u);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, DockerfileWithOnlyComments) {
  TempTree t;
  write_good(t);
  t.write("Dockerfile", "# nothing here\n# at all\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "Dockerfile");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Warning);
  EXPECT_TRUE(scan_went_on(g));
}

TEST(BadInput, YamlSyntaxErrorInAKubernetesFile) {
  TempTree t;
  t.write("a.yaml",
          "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: "
          "Service\nmetadata: [oops\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "a.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Error);
  EXPECT_EQ(d->start.line, 8u);
  // The document before the error still counts.
  EXPECT_NE(find_resource(g, "k8s:Service/default/ok"), nullptr);
}

TEST(BadInput, HelmTemplateOutsideAChart) {
  TempTree t;
  t.write("templates/deploy.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n");
  Graph g = test::load_tree(t);
  const Diagnostic* d = only(g, "templates/deploy.yaml");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::Info);
  EXPECT_NE(d->message.find("template"), std::string::npos);
  EXPECT_TRUE(g.resources.empty());
}

}  // namespace
}  // namespace infralint

namespace infralint {
namespace {

// Inputs that made parsers quadratic: they must finish (their time is printed by bench/, not
// asserted here) with the right result.
TEST(BadInput, PathologicalSizes) {
  test::TempTree t;
  std::string big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n";
  for (int i = 0; i < 100000; ++i) big += "  k" + std::to_string(i) + ": v\n";
  t.write("big.yaml", big);
  std::string interp = "locals {\n  z = \"";
  for (int i = 0; i < 20000; ++i) interp += "${";
  t.write("interp.tf", interp + "\"\n}\n");
  std::string object = "locals {\n  m = {\n";
  for (int i = 0; i < 30000; ++i)
    object += "    k" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  t.write("object.tf", object + "  }\n  f = { for k, v in local.m : k => v }\n}\n");
  Graph g = test::load_tree(t);
  const Resource* cm = find_resource(g, "k8s:ConfigMap/default/x");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->attributes.get("data")->entries.size(), 100000u);
  EXPECT_FALSE(diagnostics_for(g, "interp.tf").empty());
  const Resource* f = find_resource(g, "local.f");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->attributes.get("value")->entries.size(), 30000u);
}

}  // namespace
}  // namespace infralint
