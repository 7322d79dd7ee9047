// Suppressions (inline, file-wide, annotation, peers', configuration), their reason and expiry
// rules, the no-inline switch, the configuration's validation, and baselines.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/config.hpp"
#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "engine/suppress.hpp"
#include "helpers.hpp"

namespace infralint {
namespace {

const rules::Rule* rule(const std::string& id) {
  for (const auto& r : rules::builtin_rules()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

struct Scan {
  Graph graph;
  std::vector<rules::Finding> findings;
};

// Scans a tree with some rules and applies the suppressions as the CLI does.
Scan scan(const test::TempTree& t, const std::vector<std::string>& ids, SuppressOptions o = {}) {
  Scan s;
  s.graph = test::load_tree(t);
  std::vector<const rules::Rule*> rs;
  for (const auto& id : ids) rs.push_back(rule(id));
  s.findings = rules::evaluate(s.graph, rs, 1).findings;
  if (o.today.empty()) o.today = "2026-11-28";
  apply_suppressions(s.graph, s.findings, rs, o);
  return s;
}

// line -> suppression kind ("" when reported)
std::map<uint32_t, std::string> verdicts(const Scan& s, const std::string& file) {
  std::map<uint32_t, std::string> out;
  for (const auto& f : s.findings) {
    if (s.graph.files[f.file].path != file) continue;
    out[s.graph.position(f.file, f.span.begin).line] = f.suppressed() ? f.suppression->kind : "";
  }
  return out;
}

bool has_diagnostic(const Graph& g, const std::string& text) {
  for (const auto& d : g.diagnostics) {
    if (d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Suppressions, InlineFormsInYaml) {
  test::TempTree t;
  t.write("docker-compose.yml",
          "services:\n"
          "  trailing:\n"
          "    image: node:latest # infralint:ignore IL201 reason=\"base image team pins it\"\n"
          "  above:\n"
          "    # infralint:ignore IL201,IL121 reason='legacy'\n"
          "    image: redis:latest\n"
          "  # infralint:ignore IL201 reason=\"the whole service\"\n"
          "  header:\n"
          "    image: nginx:latest\n"
          "  other_rule:\n"
          "    image: mysql:latest # infralint:ignore IL121 reason=\"wrong rule\"\n"
          "  two_lines_above:\n"
          "    # infralint:ignore IL201 reason=\"too far\"\n"
          "\n"
          "    image: httpd:latest\n");
  const Scan s = scan(t, {"IL201"});
  const auto v = verdicts(s, "docker-compose.yml");
  EXPECT_EQ(v.at(3), "inline");
  EXPECT_EQ(v.at(6), "inline");
  EXPECT_EQ(v.at(9), "inline");  // above the enclosing block's header
  EXPECT_EQ(v.at(11), "");
  EXPECT_EQ(v.at(15), "");
}

TEST(Suppressions, InlineFormsInTerraformAndDockerfile) {
  test::TempTree t;
  t.write("main.tf",
          "# infralint:ignore IL431 reason=\"logs are disposable\" until=2027-01-01\n"
          "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n"
          "// infralint:ignore IL431 reason=\"slash comment\"\n"
          "resource \"aws_s3_bucket\" \"tmp\" {\n  bucket = \"tmp\"\n}\n"
          "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"data\"\n}\n");
  t.write("Dockerfile",
          "# infralint:ignore IL201 reason=\"upstream has no tags\"\n"
          "FROM example/base:latest\nUSER 1000\n");
  const Scan s = scan(t, {"IL431", "IL201"});
  const auto tf = verdicts(s, "main.tf");
  EXPECT_EQ(tf.at(2), "inline");
  EXPECT_EQ(tf.at(6), "inline");
  EXPECT_EQ(tf.at(9), "");
  EXPECT_EQ(verdicts(s, "Dockerfile").at(2), "inline");
}

TEST(Suppressions, FileWideAndKubernetesAnnotation) {
  test::TempTree t;
  t.write("k8s.yaml",
          "# infralint:ignore-file IL910 reason=\"checked by the admission controller\"\n"
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: apps\n"
          "  annotations:\n    infralint.io/ignore: \"IL909=writes to its root filesystem\"\n"
          "spec:\n  containers:\n    - name: a\n      image: example/a:1.0.0\n"
          "---\n"
          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: apps\n"
          "spec:\n  containers:\n    - name: b\n      image: example/b:1.0.0\n");
  const Scan s = scan(t, {"IL909", "IL910"});
  std::map<std::string, std::string> by;  // rule/resource -> kind
  for (const auto& f : s.findings) {
    by[f.rule->id + " " + s.graph.resources[f.resource].name] =
        f.suppressed() ? f.suppression->kind : "";
  }
  EXPECT_EQ(by.at("IL910 a"), "inline");
  EXPECT_EQ(by.at("IL910 b"), "inline");  // the whole file
  EXPECT_EQ(by.at("IL909 a"), "inline");  // the annotation
  EXPECT_EQ(by.at("IL909 b"), "");
}

TEST(Suppressions, ReasonIsRequiredAndExpiryEnds) {
  test::TempTree t;
  t.write("docker-compose.yml",
          "services:\n"
          "  a:\n    image: node:latest # infralint:ignore IL201\n"
          "  b:\n    image: redis:latest # infralint:ignore IL201 reason=\"x\" until=2026-01-31\n"
          "  c:\n    image: nginx:latest # infralint:ignore IL201 reason=\"x\" until=2026-11-28\n"
          "  d:\n    image: postgres:15.4 # infralint:ignore IL201 reason=\"nothing here\"\n");
  const Scan s = scan(t, {"IL201"});
  const auto v = verdicts(s, "docker-compose.yml");
  EXPECT_EQ(v.at(3), "");        // no reason: does not suppress
  EXPECT_EQ(v.at(5), "");        // expired
  EXPECT_EQ(v.at(7), "inline");  // until is the last day it holds
  EXPECT_TRUE(has_diagnostic(s.graph, "needs reason="));
  EXPECT_TRUE(has_diagnostic(s.graph, "expired on 2026-01-31"));
  EXPECT_TRUE(has_diagnostic(s.graph, "unused suppression: IL201"));
  for (const auto& f : s.findings) {
    if (s.graph.position(f.file, f.span.begin).line == 5) {
      ASSERT_TRUE(f.suppression);  // on record, marked expired
      EXPECT_TRUE(f.suppression->expired);
    }
  }
}

TEST(Suppressions, PeersSkipsForTheRulesThatListThem) {
  test::TempTree t;
  t.write("main.tf",
          "resource \"aws_s3_bucket\" \"a\" {\n  #checkov:skip=CKV_AWS_21:versioned elsewhere\n"
          "  bucket = \"a\"\n}\n"
          "#trivy:ignore:AVD-AWS-0090\n"
          "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n"
          "resource \"aws_s3_bucket\" \"c\" {\n  #checkov:skip=CKV_AWS_999:an unrelated check\n"
          "  bucket = \"c\"\n}\n");
  t.write("Dockerfile", "# hadolint ignore=DL3007\nFROM alpine:latest\nUSER 1000\n");
  t.write("app/Dockerfile", "# kics-scan ignore-line\nFROM alpine:latest\nUSER 1000\n");
  const Scan s = scan(t, {"IL431", "IL201"});
  const auto tf = verdicts(s, "main.tf");
  EXPECT_EQ(tf.at(1), "peer");
  EXPECT_EQ(tf.at(6), "peer");
  EXPECT_EQ(tf.at(9), "");
  EXPECT_EQ(verdicts(s, "Dockerfile").at(2), "peer");
  EXPECT_EQ(verdicts(s, "app/Dockerfile").at(2), "peer");
  SuppressOptions no_peers;
  no_peers.peers = false;
  EXPECT_EQ(verdicts(scan(t, {"IL431", "IL201"}, no_peers), "Dockerfile").at(2), "");
}

TEST(Suppressions, NoInlineSwitchAndConfigIgnores) {
  test::TempTree t;
  t.write("legacy/docker-compose.yml",
          "services:\n  a:\n    image: node:latest # infralint:ignore IL201 reason=\"x\"\n");
  SuppressOptions o;
  o.inline_comments = false;
  EXPECT_EQ(verdicts(scan(t, {"IL201"}, o), "legacy/docker-compose.yml").at(3), "");
  o.ignores.push_back(PathIgnore{"legacy/**", {"2.1"}, "being retired", "2027-01-01"});
  EXPECT_EQ(verdicts(scan(t, {"IL201"}, o), "legacy/docker-compose.yml").at(3), "config");
  o.ignores.back().until = "2026-01-01";
  const Scan expired = scan(t, {"IL201"}, o);
  EXPECT_EQ(verdicts(expired, "legacy/docker-compose.yml").at(3), "");
}

TEST(Config, ValidationErrorsHavePositions) {
  std::vector<ConfigError> errors;
  const auto c = parse_config(".infralint.yaml",
                              "rules:\n  disable: [\"2.2\"]\n  severty: {}\n"
                              "  parameters:\n    IL331: {max_dayz: 14}\n"
                              "ignore:\n  - path: legacy/**\n"
                              "environments:\n  production: prod/**\n"
                              "fail_on: hihg\n",
                              errors);
  EXPECT_FALSE(c);
  std::vector<std::string> got;
  for (const auto& e : errors)
    got.push_back(std::to_string(e.at.line) + ":" + std::to_string(e.at.column) + " " + e.message);
  ASSERT_EQ(got.size(), 5u) << ::testing::PrintToString(got);
  EXPECT_EQ(got[0].substr(0, 4), "3:3 ");  // unknown key severty
  EXPECT_NE(got[0].find("severty"), std::string::npos);
  EXPECT_EQ(got[1].substr(0, 4), "5:13");  // IL331 has no parameter max_dayz
  EXPECT_NE(got[2].find("needs a reason"), std::string::npos);
  EXPECT_EQ(got[3].substr(0, 5), "9:15 ");  // a string where a list belongs
  EXPECT_EQ(got[4].substr(0, 5), "10:10");
}

TEST(Config, TheDefaultIsValidAndEveryKeyReads) {
  std::vector<ConfigError> errors;
  EXPECT_TRUE(parse_config("d.yaml", std::string(default_config_text()), errors));
  EXPECT_TRUE(errors.empty());
  const auto c =
      parse_config("c.yaml",
                   "rules:\n  select: [\"2.1\"]\n  enable: [IL202]\n  disable: [IL113]\n"
                   "  severity: {IL201: critical}\n  parameters: {IL331: {max_days: 14}}\n"
                   "  folders: [policies]\n"
                   "exclude: [\"vendor/**\"]\n"
                   "ignore:\n  - {path: \"a/**\", rules: [IL201], reason: r, until: 2027-01-01}\n"
                   "environments: {production: [\"deploy/**\"], development: [\"dev/**\"]}\n"
                   "suppressions: {inline: false, peers: false}\n"
                   "fail_on: high\n",
                   errors);
  ASSERT_TRUE(c) << (errors.empty() ? "" : errors[0].message);
  EXPECT_EQ(c->enable, std::vector<std::string>{"IL202"});
  EXPECT_EQ(c->severity.at("IL201"), "critical");
  EXPECT_EQ(c->parameters.at("IL331")["max_days"], 14);
  EXPECT_EQ(c->ignores.at(0).until, "2027-01-01");
  EXPECT_EQ(c->environments.size(), 2u);
  EXPECT_FALSE(c->inline_suppressions);
  EXPECT_EQ(*c->fail_on, "high");
}

std::pair<int, std::string> run(const std::string& args) {
  FILE* p = popen((std::string(INFRALINT_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

TEST(Baseline, SurvivesAReformatAndCountsTheFixed) {
  test::TempTree t;
  t.write("docker-compose.yml",
          "services:\n  web:\n    image: node:latest\n  cache:\n    image: redis:latest\n"
          "  db:\n    image: postgres:latest\n");
  const std::string base = (t.root() / "baseline.json").string();
  const std::string dir = t.root().string();
  auto [st, out] = run("scan " + dir + " --select IL201 -q --write-baseline " + base);
  ASSERT_EQ(st, 1) << out;
  // Reformatted: four-space indentation, services reordered, comments and blank lines added,
  // and one finding fixed.
  t.write("docker-compose.yml",
          "# the platform\nservices:\n\n    db:\n        image: \"postgres:latest\"\n"
          "    web:\n        # the frontend\n        image: node:latest\n"
          "    cache:\n        image: redis:7.2.4\n");
  std::tie(st, out) = run("scan " + dir + " --select IL201 --baseline " + base + " --format json");
  ASSERT_EQ(st, 0) << out;  // nothing new
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["summary"]["findings"], 0);
  EXPECT_EQ(j["summary"]["baseline"]["matched"], 2);
  EXPECT_EQ(j["summary"]["baseline"]["fixed"], 1);
  for (const auto& f : j["findings"]) EXPECT_EQ(f["suppression"]["kind"], "baseline");
  // A new finding is reported.
  t.write("docker-compose.yml",
          "services:\n  web:\n    image: node:latest\n  db:\n    image: postgres:latest\n"
          "  queue:\n    image: rabbitmq:latest\n");
  std::tie(st, out) =
      run("scan " + dir + " --select IL201 --baseline " + base + " -q --format gcc");
  EXPECT_EQ(st, 1);
  EXPECT_NE(out.find("rabbitmq"), std::string::npos);
  EXPECT_EQ(out.find("node:latest"), std::string::npos);
}

TEST(Baseline, ConfigFileIsFoundAtTheScanRoot) {
  test::TempTree t;
  t.write("docker-compose.yml", "services:\n  web:\n    image: node:latest\n");
  t.write(".infralint.yaml",
          "rules:\n  select: [\"2.1\"]\n  severity: {IL201: low}\nfail_on: high\n");
  auto [st, out] = run("scan " + t.root().string() + " -q --format gcc");
  EXPECT_EQ(st, 0) << out;  // low is below the configured fail_on
  EXPECT_NE(out.find("note: image \"node:latest\""), std::string::npos) << out;
  t.write(".infralint.yaml", "rules:\n  selekt: []\n");
  std::tie(st, out) = run("scan " + t.root().string());
  EXPECT_EQ(st, 2);
  EXPECT_NE(out.find(".infralint.yaml:2:3: error: unknown key \"selekt\""), std::string::npos)
      << out;
}

}  // namespace
}  // namespace infralint
