// Rules as data: a superset of Checkov's YAML custom-policy schema (docs/rules-language.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/graph.hpp"

namespace re2 {
class RE2;
}

namespace infralint::rules {

enum class RuleSeverity : uint8_t { Critical, High, Medium, Low, Info };
std::string_view severity_name(RuleSeverity s);
std::optional<RuleSeverity> parse_severity(std::string_view s);

// Every attribute operator of Checkov's schema.
enum class Op : uint8_t {
  Equals,
  NotEquals,
  RegexMatch,
  NotRegexMatch,
  Exists,
  NotExists,
  Any,
  Contains,
  NotContains,
  Within,
  NotWithin,
  StartingWith,
  NotStartingWith,
  EndingWith,
  NotEndingWith,
  GreaterThan,
  GreaterThanOrEqual,
  LessThan,
  LessThanOrEqual,
  Subset,
  NotSubset,
  IsEmpty,
  IsNotEmpty,
  LengthEquals,
  LengthNotEquals,
  LengthGreaterThan,
  LengthGreaterThanOrEqual,
  LengthLessThan,
  LengthLessThanOrEqual,
  IsTrue,
  IsFalse,
  Intersects,
  NotIntersects,
  EqualsIgnoreCase,
  NotEqualsIgnoreCase,
  RangeIncludes,
  RangeNotIncludes,
  NumberOfWordsEquals,
  NumberOfWordsNotEquals,
  NumberOfWordsGreaterThan,
  NumberOfWordsGreaterThanOrEqual,
  NumberOfWordsLessThan,
  NumberOfWordsLessThanOrEqual,
  CidrRangeSubset,
  CidrRangeNotSubset,
  References  // extension: a value computed from a resource of these types (TYPE.NAME.attr)
};
std::optional<Op> parse_operator(std::string_view name);
// Negated operators hold for every value a wildcard path reaches; the others for any.
bool is_negated(Op op);

enum class CondKind : uint8_t { And, Or, Not, Attribute, Connection, Filter, Aggregate, Each };
// Aggregate conditions (an extension): a count over a group of resources.
enum class AggOp : uint8_t { CountAtLeast, CountAtMost, DistinctAtLeast, DistinctAtMost };
enum class ConnOp : uint8_t { Exists, NotExists, OneExists };

struct Condition {
  CondKind kind = CondKind::Attribute;
  // And, Or, Not (one child); Each (the condition every element meets); Aggregate (the optional
  // `where` a member must meet to count).
  std::vector<Condition> children;
  // Attribute, Connection, Filter
  std::vector<std::string> resource_types;  // "all" is kept as one element "all"
  std::vector<std::string> connected_types;
  std::string attribute;        // dotted path with '*' (or a JSONPath with jsonpath_ operators)
  std::string value_attribute;  // compare with this attribute's value instead of `value`
  Op op = Op::Equals;
  ConnOp conn_op = ConnOp::Exists;
  bool jsonpath = false;
  std::string via;  // connection: "" (graph edges) or "namespace" (same Kubernetes namespace)
  // aggregate: "" (the scan), "instances", "module", "connected:TYPE" or an attribute path
  std::string group_by;
  AggOp agg_op = AggOp::CountAtLeast;
  nlohmann::json value;             // as written
  std::shared_ptr<re2::RE2> regex;  // compiled once for regex operators
};

struct Rule {
  std::string id;
  std::string name;
  std::string category;
  RuleSeverity severity = RuleSeverity::Medium;
  std::string section = "custom";
  std::string description;
  std::string remediation;
  std::string guideline;
  std::string message;  // template: {resource}, {value}, {path}, {name}
  std::vector<std::string> tags;
  std::vector<std::string> formats;
  std::map<std::string, std::vector<std::string>> peer_ids;
  nlohmann::json examples;
  std::string facet;  // "container": the rule judges facets, not whole resources
  bool enabled_by_default = true;
  std::string source;         // "builtin" or the file it came from
  nlohmann::json parameters;  // name -> value, substituted for "{{name}}" in condition values
  Condition definition;
  std::vector<std::string> scope_types;  // which resources get a verdict ("aws_*" patterns too)
  // Only resources of these environments are judged ("production", "development"); a resource
  // whose environment is unknown gets an unknown verdict (DECISIONS.md 8).
  std::vector<std::string> environments;
  // `scope: repository`: one verdict for the whole scan, judged on the first resource of the
  // first filter type that has any, reported at line 1 of its file (DECISIONS.md 14).
  bool repository_scope = false;
  std::vector<std::string> subject_order;  // the filter's types as written
};

// "aws_*" matches every type starting with "aws_"; "all" matches any type.
bool type_pattern_matches(const std::string& pattern, const std::string& type);

// A rule's example ("fail" or "pass") as files: one unnamed file (the rule's first format) when
// the example is a string, or the named files of a mapping {path: content}.
std::vector<std::pair<std::string, std::string>> example_files(const Rule& r,
                                                               const std::string& kind);
// The same as one text, each named file under a "# path" line.
std::string example_text(const Rule& r, const std::string& kind);

struct LoadError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

// Where a JSON pointer of a rule document was written (for errors in user rules).
using Locator = std::function<std::pair<uint32_t, uint32_t>(const std::string& pointer)>;

// Builds a rule from its JSON form; errors name the problem and, through the locator, where.
// `parameters` (optional) override the rule's own metadata.parameters.
std::optional<Rule> compile_rule(const nlohmann::json& doc, const std::string& file,
                                 const Locator& locate, std::vector<LoadError>& errors,
                                 const nlohmann::json* parameters = nullptr);

// A YAML rule file -> its JSON form plus a locator (yaml-cpp marks).
std::optional<nlohmann::json> yaml_rule_document(const std::string& text, const std::string& file,
                                                 Locator& locate, std::vector<LoadError>& errors);

// Rules from a folder (*.yaml, *.yml, recursively, sorted by path).
std::vector<Rule> load_rule_dir(const std::string& dir, std::vector<LoadError>& errors);

// The built-in rules, embedded at build time (pre-validated; no YAML is read at start-up).
const std::vector<Rule>& builtin_rules();
// Only the built-in rules that can judge something in a scan with these resource types (and
// facets): the others are never instantiated. Null sets: every built-in rule.
// `parameters` (optional): rule id -> {name: value} overrides from the configuration.
std::vector<Rule> builtin_rules_for(const std::set<std::string>* resource_types,
                                    const std::set<std::string>* facet_kinds,
                                    const nlohmann::json* parameters = nullptr);

// What the build embeds for each built-in rule: its document, and the types it applies to.
struct BuiltinEntry {
  nlohmann::json doc;
  std::vector<std::string> scope_types;
  std::string facet;
};
const std::vector<BuiltinEntry>& builtin_entries();
bool applies_to(const std::vector<std::string>& scope_types, const std::string& facet,
                const std::set<std::string>& resource_types,
                const std::set<std::string>& facet_kinds);

}  // namespace infralint::rules
