#include <gtest/gtest.h>

#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "helpers.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint {
namespace {

using rules::Op;
using rules::Tri;

std::optional<rules::Rule> compile(const std::string& yaml, std::vector<rules::LoadError>& errors) {
  rules::Locator locate;
  auto doc = rules::yaml_rule_document(yaml, "rule.yaml", locate, errors);
  if (!doc) return std::nullopt;
  return rules::compile_rule(*doc, "rule.yaml", locate, errors);
}

rules::Rule compile_ok(const std::string& yaml) {
  std::vector<rules::LoadError> errors;
  auto r = compile(yaml, errors);
  for (const auto& e : errors) ADD_FAILURE() << e.line << ":" << e.column << ": " << e.message;
  return r ? *r : rules::Rule{};
}

Value yaml_value(const std::string& text) {
  SourceFile f("v.yaml", "v: " + text + "\n");
  auto r = yaml::parse(f, 0);
  return *r.documents.at(0).root.get("v");
}

// One attribute condition: `operator` and `value` as a rule writes them.
Tri check(const std::string& op, const std::string& attr_yaml, const std::string& value_yaml) {
  const auto rule = compile_ok(
      "metadata: {id: T1}\ndefinition:\n  cond_type: attribute\n  resource_types: [x]\n"
      "  attribute: a\n  operator: " +
      op + (value_yaml.empty() ? "" : "\n  value: " + value_yaml) + "\n");
  return rules::apply_operator(rule.definition, yaml_value(attr_yaml));
}

TEST(Operators, EveryCheckovOperator) {
  struct Case {
    const char* op;
    const char* attr;
    const char* value;
    Tri want;
  };
  const Case cases[] = {
      {"equals", "abc", "abc", Tri::True},
      {"equals", "true", "\"true\"", Tri::True},
      {"equals", "5", "\"5\"", Tri::True},
      {"equals", "a", "b", Tri::False},
      {"not_equals", "a", "b", Tri::True},
      {"not_equals", "a", "a", Tri::False},
      {"regex_match", "prod-db", "\"prod\"", Tri::True},
      {"regex_match", "xprod", "\"prod\"", Tri::False},  // re.match: anchored at the start
      {"not_regex_match", "dev-db", "\"^prod\"", Tri::True},
      {"exists", "x", "", Tri::True},
      {"not_exists", "x", "", Tri::False},
      {"any", "[a, b]", "[b, c]", Tri::True},
      {"any", "[a]", "[b]", Tri::False},
      {"contains", "hello", "ell", Tri::True},
      {"contains", "[x, y]", "y", Tri::True},
      {"contains", "{k: v}", "k", Tri::True},
      {"contains", "[x]", "z", Tri::False},
      {"not_contains", "[x]", "z", Tri::True},
      {"within", "b", "[a, b]", Tri::True},
      {"within", "c", "[a, b]", Tri::False},
      {"not_within", "c", "[a, b]", Tri::True},
      {"starting_with", "arn:aws:s3", "\"arn:\"", Tri::True},
      {"not_starting_with", "arn:aws:s3", "\"arn:\"", Tri::False},
      {"ending_with", "file.tf", ".tf", Tri::True},
      {"not_ending_with", "file.tf", ".yaml", Tri::True},
      {"greater_than", "10", "5", Tri::True},
      {"greater_than", "\"10\"", "5", Tri::True},
      {"greater_than", "5", "5", Tri::False},
      {"greater_than_or_equal", "5", "5", Tri::True},
      {"less_than", "3", "5", Tri::True},
      {"less_than_or_equal", "6", "5", Tri::False},
      {"subset", "[a, b]", "[a, b, c]", Tri::True},
      {"subset", "[a, d]", "[a, b, c]", Tri::False},
      {"not_subset", "[a, d]", "[a, b, c]", Tri::True},
      {"is_empty", "\"\"", "", Tri::True},
      {"is_empty", "[]", "", Tri::True},
      {"is_empty", "{}", "", Tri::True},
      {"is_empty", "x", "", Tri::False},
      {"is_not_empty", "[a]", "", Tri::True},
      {"length_equals", "[1, 2]", "2", Tri::True},
      {"length_equals", "héé", "3", Tri::True},
      {"length_not_equals", "[1, 2]", "2", Tri::False},
      {"length_greater_than", "[1, 2]", "1", Tri::True},
      {"length_greater_than_or_equal", "[1]", "2", Tri::False},
      {"length_less_than", "[1]", "2", Tri::True},
      {"length_less_than_or_equal", "[1, 2, 3]", "2", Tri::False},
      {"is_true", "true", "", Tri::True},
      {"is_true", "\"true\"", "", Tri::True},
      {"is_true", "false", "", Tri::False},
      {"is_false", "false", "", Tri::True},
      {"intersects", "[a, b]", "[b]", Tri::True},
      {"intersects", "[a]", "[b]", Tri::False},
      {"not_intersects", "[a]", "[b]", Tri::True},
      {"equals_ignore_case", "ABC", "abc", Tri::True},
      {"not_equals_ignore_case", "ABC", "abc", Tri::False},
      {"range_includes", "0-65535", "22", Tri::True},
      {"range_includes", "22", "22", Tri::True},
      {"range_includes", "80-90", "22", Tri::False},
      {"range_not_includes", "80-90", "22", Tri::True},
      {"number_of_words_equals", "a b c", "3", Tri::True},
      {"number_of_words_not_equals", "a b", "3", Tri::True},
      {"number_of_words_greater_than", "a b c", "2", Tri::True},
      {"number_of_words_greater_than_or_equal", "a", "2", Tri::False},
      {"number_of_words_less_than", "a", "2", Tri::True},
      {"number_of_words_less_than_or_equal", "a b c", "2", Tri::False},
      {"cidr_range_subset", "[10.0.1.0/24]", "[10.0.0.0/16]", Tri::True},
      {"cidr_range_subset", "0.0.0.0/0", "[10.0.0.0/8]", Tri::False},
      {"cidr_range_not_subset", "0.0.0.0/0", "[10.0.0.0/8]", Tri::True},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(check(c.op, c.attr, c.value), c.want) << c.op << " " << c.attr << " " << c.value;
  }
}

TEST(Operators, UnknownValuesGiveNoVerdict) {
  const auto rule = compile_ok(
      "metadata: {id: T1}\ndefinition:\n  cond_type: attribute\n  resource_types: [x]\n"
      "  attribute: a\n  operator: equals\n  value: latest\n");
  const Value unknown = Value::unknown("${TAG}");
  EXPECT_EQ(rules::apply_operator(rule.definition, unknown), Tri::Unknown);
  const auto exists = compile_ok(
      "metadata: {id: T1}\ndefinition:\n  cond_type: attribute\n  resource_types: [x]\n"
      "  attribute: a\n  operator: exists\n");
  EXPECT_EQ(rules::apply_operator(exists.definition, unknown), Tri::True);  // set, just not known
  // A list with an unknown inside: contains decides when a known element matches.
  Value list = Value::list();
  list.items.push_back(Value::unknown("var.x"));
  list.items.push_back(Value::string("0.0.0.0/0"));
  const auto contains = compile_ok(
      "metadata: {id: T1}\ndefinition:\n  cond_type: attribute\n  resource_types: [x]\n"
      "  attribute: a\n  operator: contains\n  value: 0.0.0.0/0\n");
  EXPECT_EQ(rules::apply_operator(contains.definition, list), Tri::True);
}

TEST(Paths, WildcardsIndexesJsonStringsAndBlocksWrittenOnce) {
  const Value root = yaml_value(
      "{ingress: [{cidr: [10.0.0.0/8]}, {cidr: [0.0.0.0/0]}], versioning: [{enabled: true}],"
      " policy: '{\"Statement\": [{\"Action\": \"s3:*\"}]}', tags: {\"k.io/role\": x}}");
  EXPECT_EQ(rules::resolve_path(root, "ingress.*.cidr").size(), 2u);
  EXPECT_EQ(rules::resolve_path(root, "ingress.1.cidr")[0].items[0].text, "0.0.0.0/0");
  EXPECT_TRUE(rules::resolve_path(root, "versioning.enabled")[0].boolean);
  EXPECT_EQ(rules::resolve_path(root, "policy.Statement.*.Action")[0].text, "s3:*");
  EXPECT_EQ(rules::resolve_path(root, "tags[\"k.io/role\"]")[0].text, "x");
  EXPECT_TRUE(rules::resolve_path(root, "nope.x").empty());
}

TEST(Paths, JsonPathSubset) {
  const Value root = yaml_value("{a: {b: [{n: x, v: 1}, {n: y, v: 2}]}, deep: {z: {n: q}}}");
  EXPECT_EQ(rules::resolve_jsonpath(root, "$.a.b[*].n").size(), 2u);
  EXPECT_EQ(rules::resolve_jsonpath(root, "$.a.b[1].v")[0].number, 2);
  EXPECT_EQ(rules::resolve_jsonpath(root, "$['a']['b'][0].n")[0].text, "x");
  EXPECT_EQ(rules::resolve_jsonpath(root, "$..n").size(), 3u);
  auto eq = rules::resolve_jsonpath(root, "$.a.b[?(@.n == 'y')].v");
  ASSERT_EQ(eq.size(), 1u);
  EXPECT_EQ(eq[0].number, 2);
  EXPECT_EQ(rules::resolve_jsonpath(root, "$.a.b[?(@.n != 'y')].v")[0].number, 1);
}

TEST(RuleLoading, ErrorsNameTheFileLineAndProblem) {
  struct Case {
    const char* yaml;
    uint32_t line;
    const char* message;
  };
  const Case cases[] = {
      {"metadata: {id: X1}\ndefinition:\n  cond_type: attribute\n  resource_types: [a]\n  "
       "attribute: b\n  operator: equalz\n  value: 1\n",
       6, "unknown operator \"equalz\""},
      {"metadata: {name: no id}\ndefinition:\n  cond_type: attribute\n  resource_types: [a]\n  "
       "attribute: b\n  operator: exists\n",
       1, "metadata.id"},
      {"metadata: {id: X1}\ndefinition:\n  cond_type: attribute\n  resource_types: [a]\n  "
       "attribute: b\n  operator: regex_match\n"
       "  value: \"^(?!prod)\"\n",
       7, "lookaround"},
      {"metadata: {id: X1}\ndefinition:\n  cond_type: attributes\n  resource_types: [a]\n", 3,
       "unknown cond_type"},
      {"metadata: {id: X1, severity: urgent}\ndefinition: {cond_type: attribute, resource_types: "
       "[a], attribute: b, operator: exists}\n",
       1, "severity must be"},
      {"metadata: {id: X1}\ndefinition:\n  cond_type: connection\n  resource_types: [a]\n  "
       "connected_resource_types: [b]\n"
       "  operator: exist\n",
       6, "unknown connection operator"},
      {"metadata: [\n", 2, "invalid YAML"},  // the parser notices at the end of input
  };
  for (const auto& c : cases) {
    std::vector<rules::LoadError> errors;
    compile(c.yaml, errors);
    ASSERT_FALSE(errors.empty()) << c.yaml;
    EXPECT_EQ(errors[0].line, c.line) << c.yaml << " -> " << errors[0].message;
    EXPECT_NE(errors[0].message.find(c.message), std::string::npos) << errors[0].message;
    EXPECT_EQ(errors[0].file, "rule.yaml");
  }
}

TEST(RuleLoading, DefaultsForUserRules) {
  auto r = compile_ok(
      "metadata: {id: MY1}\ndefinition: {cond_type: attribute, resource_types: [a], attribute: b, "
      "operator: exists}\n");
  EXPECT_EQ(r.severity, rules::RuleSeverity::Medium);
  EXPECT_EQ(r.section, "custom");
  EXPECT_EQ(r.scope_types, (std::vector<std::string>{"a"}));
}

TEST(BuiltinRules, LoadFromTheBinaryWithTheirMetadata) {
  const auto& all = rules::builtin_rules();
  ASSERT_FALSE(all.empty());
  std::set<std::string> ids;
  for (const auto& r : all) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_EQ(r.id.size(), 5u) << r.id;  // IL + three digits
    EXPECT_EQ(r.id.rfind("IL", 0), 0u) << r.id;
    EXPECT_FALSE(r.name.empty()) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_FALSE(r.remediation.empty()) << r.id;
    EXPECT_FALSE(r.formats.empty()) << r.id;
    EXPECT_NE(r.section, "custom") << r.id;
    EXPECT_TRUE(r.examples.contains("fail") && r.examples.contains("pass")) << r.id;
    EXPECT_EQ(r.source.rfind("builtin:", 0), 0u) << r.id;
  }
}

// Each built-in rule's own examples: the failing one fails, the fixed one passes.
TEST(BuiltinRules, ExamplesFailAndPass) {
  const std::map<std::string, std::string> file_for = {
      {"compose", "compose.yaml"},
      {"dockerfile", "Dockerfile"},
      {"terraform", "main.tf"},
      {"kubernetes", "k8s.yaml"},
      {"github-workflow", ".github/workflows/ci.yml"},
      {"prometheus-rules", "alerts.yml"},
      {"otel-collector", "otel.yaml"},
      {"dependabot", ".github/dependabot.yml"}};
  for (const auto& r : rules::builtin_rules()) {
    const std::string name = file_for.at(r.formats.at(0));
    for (const char* kind : {"fail", "pass"}) {
      test::TempTree t;
      for (const auto& [file, content] : rules::example_files(r, kind))
        t.write(file.empty() ? name : file, content);
      Graph g = test::load_tree(t);
      auto res = rules::evaluate(g, {&r}, 1);
      if (std::string(kind) == "fail") {
        EXPECT_FALSE(res.findings.empty()) << r.id << " fail example";
      } else {
        EXPECT_TRUE(res.findings.empty())
            << r.id << " pass example: " << (res.findings.empty() ? "" : res.findings[0].message);
        EXPECT_FALSE(res.passed.empty()) << r.id << " pass example";
      }
    }
  }
}

TEST(Findings, PointAtTheValueOrTheHeaderAndKeepTheirFingerprint) {
  const auto rule = compile_ok(R"(metadata: {id: T1, name: tags need an owner}
definition:
  and:
    - cond_type: attribute
      resource_types: [aws_s3_bucket]
      attribute: acl
      operator: not_equals
      value: public-read
    - cond_type: attribute
      resource_types: [aws_s3_bucket]
      attribute: tags.owner
      operator: exists
)");
  test::TempTree t;
  t.write("main.tf",
          "resource \"aws_s3_bucket\" \"public\" {\n  acl = \"public-read\"\n  tags = { owner = "
          "\"x\" }\n}\n"
          "resource \"aws_s3_bucket\" \"untagged\" {\n  acl = \"private\"\n}\n");
  Graph g = test::load_tree(t);
  auto res = rules::evaluate(g, {&rule}, 1);
  ASSERT_EQ(res.findings.size(), 2u);
  std::map<std::string, const rules::Finding*> by;
  for (const auto& f : res.findings) by[g.resources[f.resource].address] = &f;
  // A wrong value: its range.
  EXPECT_EQ(
      g.position(by["aws_s3_bucket.public"]->file, by["aws_s3_bucket.public"]->span.begin).line,
      2u);
  EXPECT_EQ(
      g.position(by["aws_s3_bucket.public"]->file, by["aws_s3_bucket.public"]->span.begin).column,
      9u);
  // Something missing: the resource's header.
  EXPECT_EQ(
      g.position(by["aws_s3_bucket.untagged"]->file, by["aws_s3_bucket.untagged"]->span.begin).line,
      5u);
  const std::string fp = by["aws_s3_bucket.public"]->fingerprint;

  // The same finding after unrelated edits above it keeps its fingerprint.
  test::TempTree moved;
  moved.write(
      "main.tf",
      "# a comment\n\nresource \"aws_vpc\" \"v\" {}\n\nresource \"aws_s3_bucket\" \"public\" {\n"
      "  tags = { owner = \"x\" }\n  acl  = \"public-read\"\n}\n");
  Graph g2 = test::load_tree(moved);
  auto res2 = rules::evaluate(g2, {&rule}, 1);
  ASSERT_EQ(res2.findings.size(), 1u);
  EXPECT_EQ(res2.findings[0].fingerprint, fp);
}

}  // namespace
}  // namespace infralint

namespace infralint {
namespace {

rules::Results run_rule(const std::string& yaml, const test::TempTree& t) {
  static std::vector<rules::Rule> keep;  // findings point at their rule
  keep.push_back(compile_ok(yaml));
  Graph g = test::load_tree(t);
  return rules::evaluate(g, {&keep.back()}, 1);
}

TEST(Extensions, AggregateOverTheInstancesOfOneResource) {
  test::TempTree t;
  t.write("main.tf",
          "variable \"azs\" {\n  default = [\"a\", \"b\"]\n}\n"
          "resource \"aws_subnet\" \"spread\" {\n  count = 2\n  availability_zone = "
          "var.azs[count.index]\n}\n"
          "resource \"aws_subnet\" \"single\" {\n  count = 2\n  availability_zone = \"a\"\n}\n"
          "data \"aws_availability_zones\" \"z\" {}\n"
          "resource \"aws_subnet\" \"dynamic\" {\n  count = "
          "length(data.aws_availability_zones.z.names)\n"
          "  availability_zone = data.aws_availability_zones.z.names[count.index]\n}\n");
  const std::string rule =
      R"(metadata: {id: AG1, message: "{resource} puts all its subnets in {value}"}
definition:
  cond_type: aggregate
  resource_types: [aws_subnet]
  group_by: instances
  attribute: availability_zone
  operator: distinct_count_greater_than_or_equal
  value: 2
)";
  auto res = run_rule(rule, t);
  Graph g = test::load_tree(t);
  std::set<std::string> failed, passed, unknown;
  for (const auto& f : res.findings) failed.insert(g.resources[f.resource].address);
  for (const auto& v : res.passed) passed.insert(g.resources[v.resource].address);
  for (const auto& v : res.unknown) unknown.insert(g.resources[v.resource].address);
  EXPECT_EQ(passed, (std::set<std::string>{"aws_subnet.spread[0]", "aws_subnet.spread[1]"}));
  EXPECT_EQ(failed, (std::set<std::string>{"aws_subnet.single[0]", "aws_subnet.single[1]"}));
  EXPECT_EQ(unknown, (std::set<std::string>{"aws_subnet.dynamic[*]"}));
  ASSERT_FALSE(res.findings.empty());
  EXPECT_EQ(res.findings[0].message, "aws_subnet.single[0] puts all its subnets in a");
}

TEST(Extensions, ConnectionViaNamespace) {
  test::TempTree t;
  t.write("k8s.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: with-quota}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: with-quota}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: bare}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c}
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}
)");
  auto res = run_rule(R"(metadata: {id: NS1}
definition:
  cond_type: connection
  resource_types: [Deployment]
  connected_resource_types: [ResourceQuota]
  via: namespace
  operator: exists
)",
                      t);
  Graph g = test::load_tree(t);
  ASSERT_EQ(res.findings.size(), 1u);
  EXPECT_EQ(g.resources[res.findings[0].resource].address, "k8s:Deployment/bare/b");
  ASSERT_EQ(res.passed.size(), 1u);
  ASSERT_EQ(res.unknown.size(), 1u);  // no namespace given: no verdict
  EXPECT_EQ(g.resources[res.unknown[0].resource].address, "k8s:Deployment/default/c");
}

TEST(Extensions, ParametersWithDefaultsAndOverrides) {
  const std::string yaml = R"(metadata:
  id: P1
  parameters: {max_days: 30}
definition:
  cond_type: attribute
  resource_types: [aws_secretsmanager_secret_rotation]
  attribute: rotation_rules.automatically_after_days
  operator: less_than_or_equal
  value: "{{max_days}}"
)";
  test::TempTree t;
  t.write("main.tf",
          "resource \"aws_secretsmanager_secret_rotation\" \"r\" {\n  rotation_rules {\n"
          "    automatically_after_days = 60\n  }\n}\n");
  EXPECT_EQ(run_rule(yaml, t).findings.size(), 1u);
  std::vector<rules::LoadError> errors;
  rules::Locator locate;
  auto doc = rules::yaml_rule_document(yaml, "p.yaml", locate, errors);
  const nlohmann::json overrides = {{"max_days", 90}};
  auto relaxed = rules::compile_rule(*doc, "p.yaml", locate, errors, &overrides);
  ASSERT_TRUE(relaxed);
  Graph g = test::load_tree(t);
  EXPECT_TRUE(rules::evaluate(g, {&*relaxed}, 1).findings.empty());
  const nlohmann::json unknown_param = {{"nope", 1}};
  EXPECT_FALSE(rules::compile_rule(*doc, "p.yaml", locate, errors, &unknown_param));
}

TEST(Extensions, PodRulesJudgeWorkloadsAsCheckovDoes) {
  test::TempTree t;
  t.write("k8s.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: safe, namespace: a}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: c, image: x:1}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: risky, namespace: a}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: x:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: a}
spec:
  containers: [{name: c, image: x:1}]
)");
  auto res = run_rule(R"(metadata: {id: POD1}
definition:
  cond_type: attribute
  resource_types: [Pod]
  attribute: spec.securityContext.runAsNonRoot
  operator: equals
  value: true
)",
                      t);
  Graph g = test::load_tree(t);
  std::set<std::string> failed, passed;
  for (const auto& f : res.findings) failed.insert(g.resources[f.resource].address);
  for (const auto& v : res.passed) passed.insert(g.resources[v.resource].address);
  EXPECT_EQ(passed, (std::set<std::string>{"k8s:Deployment/a/safe"}));
  EXPECT_EQ(failed, (std::set<std::string>{"k8s:CronJob/a/risky", "k8s:Pod/a/bare"}));
}

}  // namespace
}  // namespace infralint
