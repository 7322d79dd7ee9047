// The review's own snippets (fixtures/review/): the verdict of each rule on each snippet, as
// fixtures/review/README.md states it and explains why.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "helpers.hpp"

namespace fs = std::filesystem;
using namespace infralint;

namespace {

const fs::path kReview = fs::path(INFRALINT_SOURCE_DIR) / "fixtures" / "review";

struct Row {
  std::string folder, rule, verdict;
};

std::vector<Row> table() {
  std::vector<Row> rows;
  std::ifstream in(kReview / "README.md");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| folder", 0) == 0 || line.rfind("| ---", 0) == 0)
      continue;
    std::vector<std::string> cells;
    size_t pos = 1;
    while (cells.size() < 3) {
      const size_t bar = line.find('|', pos);
      if (bar == std::string::npos) break;
      std::string cell = line.substr(pos, bar - pos);
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
      pos = bar + 1;
    }
    if (cells.size() == 3) rows.push_back(Row{cells[0], cells[1], cells[2]});
  }
  return rows;
}

TEST(ReviewSnippets, EachRuleGivesTheVerdictTheReadmeStates) {
  const auto rows = table();
  ASSERT_GE(rows.size(), 40u);
  for (const auto& row : rows) {
    SCOPED_TRACE(row.folder + " " + row.rule);
    ASSERT_TRUE(fs::is_directory(kReview / row.folder));
    const auto& all = rules::builtin_rules();
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& r) { return r.id == row.rule; });
    ASSERT_NE(it, all.end());
    const Graph g = test::load_dir(kReview / row.folder);
    const auto res = rules::evaluate(g, {&*it}, 1);
    std::string verdict = "none";
    if (!res.findings.empty()) {
      verdict = "fail";
    } else if (!res.unknown.empty()) {
      verdict = "unknown";
    } else if (!res.passed.empty()) {
      verdict = "pass";
    }
    EXPECT_EQ(verdict, row.verdict);
  }
}

// Every folder is in the table.
TEST(ReviewSnippets, EverySnippetHasVerdicts) {
  const auto rows = table();
  for (const auto& e : fs::directory_iterator(kReview)) {
    if (!e.is_directory()) continue;
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [&](const Row& r) {
      return r.folder == name;
    })) << name;
  }
}

}  // namespace
