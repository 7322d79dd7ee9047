// The rule pack's fixtures: fixtures/<rule-id>/ holds real files that pass and fail the rule,
// with each expected finding written where it must point, in the format's own comment syntax:
//   image: node:latest   # expect: IL201        (this line)
//   # expect-next-line: IL903                  (the next line; for Dockerfiles, whose
//   ADD app.tar.gz /srv                         instructions cannot carry trailing comments)
// Each folder is scanned as a repository (or, when it has `repo-*` subfolders, each of those is,
// for rules that judge a whole repository) with its rule and every rule its comments name; the
// findings must be exactly the expected ones, and the rule must pass something there too.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "helpers.hpp"

namespace fs = std::filesystem;
using namespace infralint;

namespace {

const fs::path kFixtures = fs::path(INFRALINT_SOURCE_DIR) / "fixtures";

std::vector<std::string> fixture_dirs() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.rfind("IL", 0) == 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Expected = std::tuple<std::string, uint32_t, std::string>;  // file, line, rule

std::vector<Expected> expectations(const fs::path& dir, std::set<std::string>& rules) {
  static const RE2 marker(R"(expect(-next-line)?:\s*(IL[0-9]{3}(?:\s*,\s*IL[0-9]{3})*))");
  std::vector<Expected> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::string line;
    uint32_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::string next_line, list;
      if (!RE2::PartialMatch(line, marker, &next_line, &list)) continue;
      const uint32_t at = next_line.empty() ? n : n + 1;
      std::stringstream ids(list);
      std::string id;
      while (std::getline(ids, id, ',')) {
        id.erase(std::remove_if(id.begin(), id.end(), ::isspace), id.end());
        rules.insert(id);
        out.emplace_back(fs::relative(e.path(), dir).generic_string(), at, id);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FindsExactlyWhatTheCommentsExpect) {
  const std::string id = GetParam();
  const fs::path dir = kFixtures / id;
  std::set<std::string> wanted = {id};
  const auto expected = expectations(dir, wanted);
  std::vector<const rules::Rule*> selected;
  for (const auto& r : rules::builtin_rules()) {
    if (wanted.count(r.id)) selected.push_back(&r);
  }
  ASSERT_EQ(selected.size(), wanted.size()) << "a comment names a rule that does not exist";
  std::vector<fs::path> roots;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && e.path().filename().string().rfind("repo-", 0) == 0)
      roots.push_back(e.path());
  }
  if (roots.empty()) roots.push_back(dir);
  std::vector<Expected> found;
  bool passed = false;
  for (const auto& root : roots) {
    const Graph g = test::load_dir(root);
    const auto res = rules::evaluate(g, selected, 1);
    const std::string prefix = root == dir ? "" : fs::relative(root, dir).generic_string() + "/";
    for (const auto& f : res.findings) {
      found.emplace_back(prefix + g.files[f.file].path, g.position(f.file, f.span.begin).line,
                         f.rule->id);
    }
    passed |= std::any_of(res.passed.begin(), res.passed.end(),
                          [&](const rules::Verdict& v) { return v.rule->id == id; });
  }
  std::sort(found.begin(), found.end());
  auto show = [](const std::vector<Expected>& v) {
    std::string s;
    for (const auto& [file, line, rule] : v)
      s += "\n  " + file + ":" + std::to_string(line) + " " + rule;
    return s.empty() ? std::string(" (none)") : s;
  };
  EXPECT_EQ(found, expected) << "found:" << show(found) << "\nexpected:" << show(expected);
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(),
                          [&](const Expected& e) { return std::get<2>(e) == id; }))
      << id << " has no failing fixture";
  EXPECT_TRUE(passed) << id << " passes nothing in its fixtures";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RuleFixture, ::testing::ValuesIn(fixture_dirs()),
                         [](const auto& p) { return p.param; });

// Every built-in rule has fixtures.
TEST(RuleFixtures, EveryRuleHasAFolder) {
  for (const auto& r : rules::builtin_rules()) {
    EXPECT_TRUE(fs::is_directory(kFixtures / r.id)) << r.id << " has no fixtures/" << r.id;
  }
}

}  // namespace
