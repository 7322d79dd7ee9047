// Every report format on a small repository (tests/reports/repo): byte-for-byte against the
// golden files (reviewed by hand), the same bytes on every run, and no secret in any of them.
// The validators (SARIF --strict, JUnit XSD, GitHub's parser) run in reports/validate.sh.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "helpers.hpp"

namespace infralint {
namespace {

const std::string kSrc = INFRALINT_SOURCE_DIR;
const std::string kRepo = kSrc + "/tests/reports/repo";
const std::string kGolden = kSrc + "/tests/reports/golden";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_all(const std::string& dir) {
  const std::string cmd =
      // A fixed set of rules, so that a rule added to the pack does not rewrite the goldens
      // (scripts/refresh-report-goldens.sh rewrites them; review the diff).
      std::string(INFRALINT_BINARY) + " scan '" + kRepo + "' --color never" +
      " --select IL201,IL431,IL901" + " --format text=" + dir + "/report.txt --format gcc=" + dir +
      "/report.gcc" + " --format json=" + dir + "/report.json --format sarif=" + dir +
      "/report.sarif" + " --format junit=" + dir + "/report.junit.xml --format github=" + dir +
      "/report.github";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// The driver's version is `git describe`: it changes with every commit.
std::string normalize_sarif(std::string s) {
  const std::string driver = "\"name\": \"infralint\",";
  const size_t at = s.find(driver);
  const size_t key = at == std::string::npos ? at : s.find("\"version\": \"", at);
  if (key == std::string::npos) return s;
  const size_t begin = key + 12;
  const size_t end = s.find('"', begin);
  return s.replace(begin, end - begin, "VERSION");
}

const char* kFormats[] = {"report.txt",   "report.gcc",       "report.json",
                          "report.sarif", "report.junit.xml", "report.github"};

TEST(Reports, EveryFormatMatchesItsGoldenFile) {
  test::TempTree out;
  ASSERT_EQ(run_all(out.root().string()), 1);  // findings
  for (const char* name : kFormats) {
    std::string got = slurp(out.root().string() + "/" + name);
    std::string want = slurp(kGolden + "/" + name);
    if (std::string(name) == "report.sarif") got = normalize_sarif(got);
    EXPECT_EQ(got, want) << name << " differs from tests/reports/golden/" << name;
  }
}

TEST(Reports, SameInputSameBytes) {
  test::TempTree a, b;
  run_all(a.root().string());
  run_all(b.root().string());
  for (const char* name : kFormats) {
    EXPECT_EQ(slurp(a.root().string() + "/" + name), slurp(b.root().string() + "/" + name)) << name;
  }
}

TEST(Reports, NoSecretInAnyFormat) {
  // WEB_IMAGE comes from the repository's .env: it is a secret in every output.
  const std::string secret = "registry.example/secret-app";
  ASSERT_NE(slurp(kRepo + "/.env").find(secret), std::string::npos);
  test::TempTree out;
  run_all(out.root().string());
  for (const char* name : kFormats) {
    const std::string text = slurp(out.root().string() + "/" + name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(text.find("secret-app"), std::string::npos) << name;
  }
  const std::string graph = out.root().string() + "/graph.json";
  const std::string cmd = std::string(INFRALINT_BINARY) + " graph '" + kRepo + "' -o " + graph +
                          " && " + INFRALINT_BINARY + " graph '" + kRepo + "' --format dot -o " +
                          graph + ".dot";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(graph).find("secret-app"), std::string::npos);
  EXPECT_EQ(slurp(graph + ".dot").find("secret-app"), std::string::npos);
}

TEST(Reports, HostileNamesAreEscapedForEachConsumer) {
  test::TempTree out;
  run_all(out.root().string());
  // SARIF: a relative URI reference, percent-encoded.
  EXPECT_NE(slurp(out.root().string() + "/report.sarif")
                .find("odd%20name%2C%20100%25%20%3C%26%3E%20%C3%BC/Dockerfile"),
            std::string::npos);
  // GitHub: ',' and ':' and '%' escaped in properties, '%' in the message.
  EXPECT_NE(slurp(out.root().string() + "/report.github")
                .find("file=odd name%2C 100%25 <&> ü/Dockerfile,"),
            std::string::npos);
  // JUnit: markup characters escaped.
  EXPECT_NE(slurp(out.root().string() + "/report.junit.xml")
                .find("odd name, 100% &lt;&amp;&gt; ü/Dockerfile"),
            std::string::npos);
}

TEST(Reports, HardcodedSecretsAreMaskedEverywhere) {
  // fixtures/IL311 writes secrets into every format; none may reach any output, whole or in
  // part (past the two characters the message shows).
  const std::string repo = kSrc + "/fixtures/IL311";
  const std::vector<std::string> secrets = {
      "Pa55word-9",       "9f8e7d6c5b4a3210", "a1b2c3d4e5f6g7h8i9j0",
      "IOSFODNN7EXAMPLE", "4f3e2d1c0b9a8877", "123456789012-abcdefghijkl",
      "but-longer"};
  test::TempTree out;
  const std::string dir = out.root().string();
  std::string cmd = std::string(INFRALINT_BINARY) + " scan '" + repo + "' --fail-on never";
  for (const char* f : {"text", "gcc", "json", "sarif", "junit", "github"})
    cmd += std::string(" --format ") + f + "=" + dir + "/report." + f;
  cmd += std::string(" && ") + INFRALINT_BINARY + " graph '" + repo + "' -o " + dir +
         "/report.graph && " + INFRALINT_BINARY + " graph '" + repo + "' --format dot -o " + dir +
         "/report.dot";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (const char* f : {"text", "gcc", "json", "sarif", "junit", "github", "graph", "dot"}) {
    const std::string text = slurp(dir + "/report." + f);
    ASSERT_FALSE(text.empty()) << f;
    for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << f << ": " << s;
  }
}

TEST(Reports, AuditReportComparesTwoQuarters) {
  // Two quarters of one repository: q2 fixed two findings, added three, and accepted two risks
  // (one of them expired). The Markdown report is checked against a golden file reviewed by hand.
  setenv("INFRALINT_TODAY", "2026-11-28", 1);
  test::TempTree out;
  const std::string dir = out.root().string();
  const std::string audit = kSrc + "/tests/reports/audit";
  const std::string select = " --select IL121,IL201,IL431 -q";
  const std::string cmd =
      std::string(INFRALINT_BINARY) + " scan " + audit + "/q1" + select + " --format json=" + dir +
      "/q1.json > /dev/null; " + INFRALINT_BINARY + " scan " + audit + "/q2" + select +
      " --format json=" + dir + "/q2.json > /dev/null; " + INFRALINT_BINARY + " report " + dir +
      "/q2.json --previous " + dir + "/q1.json --format markdown -o " + dir + "/audit.md";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  unsetenv("INFRALINT_TODAY");
  EXPECT_EQ(slurp(dir + "/audit.md"), slurp(kGolden + "/audit.md"));
  // Not a scan: a usage error.
  const std::string bad =
      std::string(INFRALINT_BINARY) + " report " + kSrc + "/docs/scan.schema.json 2>/dev/null";
  const int st = std::system(bad.c_str());
  EXPECT_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 2);
}

}  // namespace
}  // namespace infralint
