// Checkov-format policies (tests/checkov/policies, written from Checkov's documentation of its
// YAML schema) against a Terraform fixture: the passing and failing resources are the ones
// that documentation says.
#include <gtest/gtest.h>

#include <set>

#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "helpers.hpp"

namespace infralint {
namespace {

const std::string kDir = std::string(INFRALINT_SOURCE_DIR) + "/tests/checkov";

struct Sets {
  std::set<std::string> passed, failed, unknown;
};

TEST(CheckovConformance, PoliciesRunUnchanged) {
  std::vector<rules::LoadError> errors;
  auto loaded = rules::load_rule_dir(kDir + "/policies", errors);
  for (const auto& e : errors) ADD_FAILURE() << e.file << ":" << e.line << ": " << e.message;
  ASSERT_EQ(loaded.size(), 6u);
  Graph g = test::load_dir(kDir + "/terraform");
  std::map<std::string, Sets> by_rule;
  std::vector<const rules::Rule*> ptrs;
  for (const auto& r : loaded) ptrs.push_back(&r);
  auto res = rules::evaluate(g, ptrs, 2);
  for (const auto& f : res.findings)
    by_rule[f.rule->id].failed.insert(g.resources[f.resource].address);
  for (const auto& v : res.passed)
    by_rule[v.rule->id].passed.insert(g.resources[v.resource].address);
  for (const auto& v : res.unknown)
    by_rule[v.rule->id].unknown.insert(g.resources[v.resource].address);

  using S = std::set<std::string>;
  EXPECT_EQ(by_rule["CKV2_TEST_1"].passed,
            (S{"aws_s3_bucket.inline_versioned", "aws_s3_bucket.versioned"}));
  EXPECT_EQ(by_rule["CKV2_TEST_1"].failed, (S{"aws_s3_bucket.plain", "aws_s3_bucket.suspended"}));
  EXPECT_EQ(by_rule["CKV2_TEST_2"].passed, (S{"aws_secretsmanager_secret.rotated"}));
  EXPECT_EQ(by_rule["CKV2_TEST_2"].failed, (S{"aws_secretsmanager_secret.static"}));
  EXPECT_EQ(by_rule["CKV2_TEST_3"].passed,
            (S{"aws_s3_bucket.inline_versioned", "aws_s3_bucket.suspended"}));
  EXPECT_EQ(by_rule["CKV2_TEST_3"].failed, (S{"aws_s3_bucket.plain", "aws_s3_bucket.versioned"}));
  EXPECT_EQ(by_rule["CKV2_TEST_4"].passed, (S{"aws_security_group.closed"}));
  EXPECT_EQ(by_rule["CKV2_TEST_4"].failed, (S{"aws_security_group.open"}));
  EXPECT_EQ(by_rule["CKV2_TEST_5"].passed, (S{"aws_iam_policy.deny_first"}));
  EXPECT_EQ(by_rule["CKV2_TEST_5"].failed, (S{"aws_iam_policy.allow_first"}));
  EXPECT_EQ(by_rule["CKV2_TEST_6"].passed, (S{"aws_sqs_queue.with_key"}));
  EXPECT_EQ(by_rule["CKV2_TEST_6"].failed, (S{"aws_sqs_queue.without_key"}));
  for (const auto& [id, sets] : by_rule) EXPECT_TRUE(sets.unknown.empty()) << id;
}

TEST(CheckovConformance, UnknownValuesAreNeitherPassedNorFailed) {
  test::TempTree t;
  t.write("main.tf",
          "variable \"acl\" {}\n"
          "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n");
  std::vector<rules::LoadError> errors;
  rules::Locator locate;
  auto doc = rules::yaml_rule_document(
      "metadata: {id: CKV2_TEST_7}\ndefinition:\n  cond_type: attribute\n  resource_types: "
      "[aws_s3_bucket]\n"
      "  attribute: acl\n  operator: not_equals\n  value: public-read\n",
      "r.yaml", locate, errors);
  auto rule = rules::compile_rule(*doc, "r.yaml", locate, errors);
  ASSERT_TRUE(rule);
  Graph g = test::load_tree(t);
  auto res = rules::evaluate(g, {&*rule}, 1);
  EXPECT_TRUE(res.findings.empty());
  EXPECT_TRUE(res.passed.empty());
  ASSERT_EQ(res.unknown.size(), 1u);
}

}  // namespace
}  // namespace infralint
