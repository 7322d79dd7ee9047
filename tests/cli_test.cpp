// The command line end to end: the built binary, its JSON and its exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace infralint {
namespace {

struct Outcome {
  int status = -1;
  std::string out;
};

Outcome run(const std::string& args) {
  Outcome r;
  FILE* p = popen((std::string(INFRALINT_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

const std::string kSrc = INFRALINT_SOURCE_DIR;

TEST(Cli, CheckovPoliciesWithSelectAndTheJsonShape) {
  Outcome r = run("scan " + kSrc + "/tests/checkov/terraform --rules " + kSrc +
                  "/tests/checkov/policies --select CKV2_TEST_2 --format json");
  ASSERT_EQ(r.status, 1) << r.out;  // a finding
  auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"schema_version", "findings", "passed", "unknown", "diagnostics", "rules", "summary"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  ASSERT_EQ(j["rules"].size(), 1u);  // --select ran only that rule
  EXPECT_EQ(j["rules"][0]["id"], "CKV2_TEST_2");
  EXPECT_EQ(j["rules"][0]["section"], "custom");
  EXPECT_EQ(j["rules"][0]["severity"], "medium");
  ASSERT_EQ(j["findings"].size(), 1u);
  const auto& f = j["findings"][0];
  for (const char* key :
       {"rule_id", "severity", "section", "resource", "file", "start_line", "start_column",
        "end_line", "end_column", "message", "fingerprint", "suppressed", "suppression"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(f["resource"], "aws_secretsmanager_secret.static");
  EXPECT_EQ(f["file"], "main.tf");
  EXPECT_EQ(f["start_line"], 51);  // `resource "aws_secretsmanager_secret" "static" {`
  EXPECT_EQ(f["suppressed"], false);
  ASSERT_EQ(j["passed"].size(), 1u);
  EXPECT_EQ(j["passed"][0]["resource"], "aws_secretsmanager_secret.rotated");
}

TEST(Cli, SelectAndIgnoreBySection) {
  Outcome r = run("scan " + kSrc + "/examples --select 2.1 --format json");
  auto j = nlohmann::json::parse(r.out);
  for (const auto& rule : j["rules"]) EXPECT_EQ(rule["section"], "2.1");
  r = run("scan " + kSrc + "/examples --ignore IL201,IL901 --format json");
  j = nlohmann::json::parse(r.out);
  for (const auto& rule : j["rules"]) {
    EXPECT_NE(rule["id"], "IL201");
    EXPECT_NE(rule["id"], "IL901");
  }
}

TEST(Cli, BrokenOrDuplicateRulesAreUsageErrors) {
  test::TempTree t;
  t.write("a.yaml",
          "metadata: {id: IL201}\ndefinition: {cond_type: attribute, resource_types: [a], "
          "attribute: b, operator: exists}\n");
  Outcome r = run("scan " + kSrc + "/examples --rules " + t.root().string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("duplicate rule id IL201"), std::string::npos) << r.out;
  test::TempTree bad;
  bad.write("b.yaml",
            "metadata: {id: MY1}\ndefinition:\n  cond_type: attribute\n  resource_types: [a]\n  "
            "attribute: b\n  operator: nope\n");
  r = run("rules --rules " + bad.root().string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("b.yaml:6:"), std::string::npos) << r.out;
}

TEST(Cli, RulesListAndExplain) {
  Outcome r = run("rules --format json");
  ASSERT_EQ(r.status, 0);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j.empty());
  for (const auto& rule : j) {
    for (const char* key : {"id", "name", "severity", "section", "formats", "peer_ids"})
      EXPECT_TRUE(rule.contains(key));
  }
  r = run("rules explain IL201");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("How to fix"), std::string::npos);
  EXPECT_EQ(run("rules explain IL999").status, 2);
}

TEST(Cli, FailOnThreshold) {
  // examples/ has high and medium findings.
  EXPECT_EQ(run("scan " + kSrc + "/examples --fail-on critical").status, 0);
  EXPECT_EQ(run("scan " + kSrc + "/examples --fail-on high").status, 1);
  EXPECT_EQ(run("scan " + kSrc + "/examples --fail-on never").status, 0);
}

TEST(Cli, ContextLoadsEverythingButReportsOnlyTheNamedFiles) {
  Outcome all = run("scan " + kSrc + "/examples --format json");
  const auto everything = nlohmann::json::parse(all.out);
  Outcome one = run("scan " + kSrc + "/examples/docker-compose.yml --context " + kSrc +
                    "/examples --format json");
  const auto named = nlohmann::json::parse(one.out);
  ASSERT_GT(everything["findings"].size(), named["findings"].size());
  ASSERT_FALSE(named["findings"].empty());
  // Paths are relative to the scan root, which depends on the working directory (DECISIONS.md 6).
  for (const auto& f : named["findings"]) {
    const std::string file = f["file"];
    EXPECT_TRUE(file == "docker-compose.yml" || file == "examples/docker-compose.yml") << file;
  }
  for (const auto& p : named["passed"]) {
    EXPECT_NE(p["resource"].get<std::string>().find("compose:"), std::string::npos)
        << p["resource"];
  }
}

TEST(Cli, SameInputSameBytes) {
  const Outcome a = run("scan " + kSrc + "/examples --format json");
  const Outcome b = run("scan " + kSrc + "/examples --format json -j 1");
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(run("graph " + kSrc + "/examples").out, run("graph " + kSrc + "/examples -j 1").out);
}

}  // namespace
}  // namespace infralint
