// The evaluator against Terraform itself: every expression of
// tests/terraform/differential/expressions.txt was answered once by `terraform console`
// (scripts/refresh-terraform-golden.sh records golden.tsv with Terraform's version). Here each
// goes through the whole pipeline as `output "tN" { value = jsonencode(EXPR) }` beside the same
// locals, and the decoded JSON must be equal. Where Terraform reports an error, infralint's
// value must be unknown (never a made-up answer).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "helpers.hpp"

namespace infralint {
namespace {

const std::string kDir = std::string(INFRALINT_SOURCE_DIR) + "/tests/terraform/differential";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TerraformDifferential, MatchesTerraformConsole) {
  struct Case {
    std::string expr;
    std::string answer;
  };
  std::vector<Case> cases;
  std::istringstream golden(slurp(kDir + "/golden.tsv"));
  std::string version;
  for (std::string line; std::getline(golden, line);) {
    if (line.rfind("# terraform ", 0) == 0) version = line.substr(12, line.find('\t') - 12);
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    cases.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  ASSERT_GT(cases.size(), 200u);
  ASSERT_FALSE(version.empty());

  test::TempTree t;
  std::string outputs = slurp(kDir + "/main.tf");
  for (size_t i = 0; i < cases.size(); ++i) {
    outputs +=
        "output \"t" + std::to_string(i) + "\" {\n  value = jsonencode(" + cases[i].expr + ")\n}\n";
  }
  t.write("main.tf", outputs);
  Graph g = test::load_tree(t);
  size_t compared = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Resource* r = test::find_resource(g, "output.t" + std::to_string(i));
    ASSERT_NE(r, nullptr) << cases[i].expr;
    const Value* v = r->attributes.get("value");
    ASSERT_NE(v, nullptr);
    if (cases[i].answer == "ERROR") {
      EXPECT_TRUE(v->is_unknown()) << cases[i].expr << " is an error in terraform " << version
                                   << ", infralint says " << v->text;
      continue;
    }
    ASSERT_TRUE(v->is_string()) << cases[i].expr << ": unknown, terraform " << version << " says "
                                << cases[i].answer;
    const auto want = nlohmann::json::parse(cases[i].answer);
    const auto got = nlohmann::json::parse(v->text, nullptr, false);
    EXPECT_EQ(got, want) << cases[i].expr << "\n  terraform " << version << ": " << want.dump()
                         << "\n  infralint: " << v->text;
    ++compared;
  }
  EXPECT_GT(compared, 200u);
}

}  // namespace
}  // namespace infralint
