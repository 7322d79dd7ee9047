#include "engine/rules/rule.hpp"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "engine/text.hpp"

namespace infralint::rules {

namespace {

const std::pair<std::string_view, Op> kOperators[] = {
    {"equals", Op::Equals},
    {"not_equals", Op::NotEquals},
    {"regex_match", Op::RegexMatch},
    {"not_regex_match", Op::NotRegexMatch},
    {"exists", Op::Exists},
    {"not_exists", Op::NotExists},
    {"any", Op::Any},
    {"contains", Op::Contains},
    {"not_contains", Op::NotContains},
    {"within", Op::Within},
    {"not_within", Op::NotWithin},
    {"starting_with", Op::StartingWith},
    {"not_starting_with", Op::NotStartingWith},
    {"ending_with", Op::EndingWith},
    {"not_ending_with", Op::NotEndingWith},
    {"greater_than", Op::GreaterThan},
    {"greater_than_or_equal", Op::GreaterThanOrEqual},
    {"less_than", Op::LessThan},
    {"less_than_or_equal", Op::LessThanOrEqual},
    {"subset", Op::Subset},
    {"not_subset", Op::NotSubset},
    {"is_empty", Op::IsEmpty},
    {"is_not_empty", Op::IsNotEmpty},
    {"length_equals", Op::LengthEquals},
    {"length_not_equals", Op::LengthNotEquals},
    {"length_greater_than", Op::LengthGreaterThan},
    {"length_greater_than_or_equal", Op::LengthGreaterThanOrEqual},
    {"length_less_than", Op::LengthLessThan},
    {"length_less_than_or_equal", Op::LengthLessThanOrEqual},
    {"is_true", Op::IsTrue},
    {"is_false", Op::IsFalse},
    {"intersects", Op::Intersects},
    {"not_intersects", Op::NotIntersects},
    {"equals_ignore_case", Op::EqualsIgnoreCase},
    {"not_equals_ignore_case", Op::NotEqualsIgnoreCase},
    {"range_includes", Op::RangeIncludes},
    {"range_not_includes", Op::RangeNotIncludes},
    {"number_of_words_equals", Op::NumberOfWordsEquals},
    {"number_of_words_not_equals", Op::NumberOfWordsNotEquals},
    {"number_of_words_greater_than", Op::NumberOfWordsGreaterThan},
    {"number_of_words_greater_than_or_equal", Op::NumberOfWordsGreaterThanOrEqual},
    {"number_of_words_less_than", Op::NumberOfWordsLessThan},
    {"number_of_words_less_than_or_equal", Op::NumberOfWordsLessThanOrEqual},
    {"cidr_range_subset", Op::CidrRangeSubset},
    {"cidr_range_not_subset", Op::CidrRangeNotSubset},
    {"references", Op::References},
};

class Compiler {
 public:
  Compiler(const std::string& file, const Locator& locate, std::vector<LoadError>& errors)
      : file_(file), locate_(locate), errors_(errors) {}

  bool ok() const { return ok_; }
  void error(const std::string& pointer, std::string msg) {
    auto [line, col] = locate_ ? locate_(pointer) : std::pair<uint32_t, uint32_t>{0, 0};
    errors_.push_back(LoadError{file_, line, col, std::move(msg)});
    ok_ = false;
  }
  std::optional<Condition> condition(const nlohmann::json& j, const std::string& ptr);

 private:
  // The resource types of the enclosing `each`, for inner conditions that name none.
  std::vector<std::string> inherited_types_;
  std::vector<std::string> strings(const nlohmann::json& j, const std::string& ptr,
                                   const char* what) {
    std::vector<std::string> out;
    if (j.is_string()) {
      out.push_back(j.get<std::string>());
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_string()) {
          error(ptr + "/" + std::to_string(i), std::string(what) + " must be strings");
          continue;
        }
        out.push_back(j[i].get<std::string>());
      }
    } else {
      error(ptr, std::string(what) + " must be a string or a list of strings");
    }
    return out;
  }

  const std::string& file_;
  const Locator& locate_;
  std::vector<LoadError>& errors_;
  bool ok_ = true;
};

std::optional<Condition> Compiler::condition(const nlohmann::json& j, const std::string& ptr) {
  if (!j.is_object()) {
    error(ptr, "a condition must be a mapping");
    return std::nullopt;
  }
  for (const char* logic : {"and", "or", "not"}) {
    if (!j.contains(logic)) continue;
    Condition c;
    c.kind = std::string_view(logic) == "and"  ? CondKind::And
             : std::string_view(logic) == "or" ? CondKind::Or
                                               : CondKind::Not;
    const auto& body = j[logic];
    const std::string p = ptr + "/" + logic;
    // A list of conditions, or a single mapping.
    if (body.is_array()) {
      for (size_t i = 0; i < body.size(); ++i) {
        if (auto child = condition(body[i], p + "/" + std::to_string(i)))
          c.children.push_back(std::move(*child));
      }
    } else if (auto child = condition(body, p)) {
      c.children.push_back(std::move(*child));
    }
    if (c.kind == CondKind::Not && c.children.size() != 1)
      error(p, "\"not\" takes exactly one condition");
    if (c.children.empty()) error(p, std::string("\"") + logic + "\" without conditions");
    return c;
  }
  if (!j.contains("cond_type")) {
    error(ptr, "a condition needs cond_type (attribute, connection or filter) or and/or/not");
    return std::nullopt;
  }
  const std::string cond_type = j["cond_type"].is_string() ? j["cond_type"].get<std::string>() : "";
  Condition c;
  if (cond_type == "attribute") {
    c.kind = CondKind::Attribute;
  } else if (cond_type == "connection") {
    c.kind = CondKind::Connection;
  } else if (cond_type == "filter") {
    c.kind = CondKind::Filter;
  } else if (cond_type == "aggregate") {
    c.kind = CondKind::Aggregate;
  } else if (cond_type == "each") {
    c.kind = CondKind::Each;
  } else {
    error(ptr + "/cond_type",
          "unknown cond_type \"" + cond_type +
              "\" (Checkov defines attribute, connection, filter; infralint adds aggregate, each)");
    return std::nullopt;
  }
  if (j.contains("resource_types")) {
    c.resource_types = strings(j["resource_types"], ptr + "/resource_types", "resource_types");
  } else {
    c.resource_types = inherited_types_;
  }
  if (c.kind == CondKind::Each) {
    if (!j.contains("attribute") || !j["attribute"].is_string()) {
      error(ptr, "an each condition needs attribute (the list whose elements it judges)");
    } else {
      c.attribute = j["attribute"].get<std::string>();
    }
    if (c.resource_types.empty()) error(ptr, "an each condition needs resource_types");
    if (!j.contains("condition")) {
      error(ptr, "an each condition needs condition (what every element meets)");
      return c;
    }
    auto saved = std::exchange(inherited_types_, c.resource_types);
    if (auto inner = condition(j["condition"], ptr + "/condition"))
      c.children.push_back(std::move(*inner));
    inherited_types_ = std::move(saved);
    return c;
  }
  std::string op =
      j.contains("operator") && j["operator"].is_string() ? j["operator"].get<std::string>() : "";
  if (op.empty()) error(ptr, "a condition needs an operator");
  if (j.contains("value")) c.value = j["value"];

  if (c.kind == CondKind::Aggregate) {
    static const std::pair<std::string_view, AggOp> kAgg[] = {
        {"count_greater_than_or_equal", AggOp::CountAtLeast},
        {"count_less_than_or_equal", AggOp::CountAtMost},
        {"distinct_count_greater_than_or_equal", AggOp::DistinctAtLeast},
        {"distinct_count_less_than_or_equal", AggOp::DistinctAtMost}};
    bool known = false;
    for (const auto& [name, a] : kAgg) {
      if (name == op) {
        c.agg_op = a;
        known = true;
      }
    }
    if (!known) error(ptr + "/operator", "unknown aggregate operator \"" + op + "\"");
    if (j.contains("attribute") && j["attribute"].is_string())
      c.attribute = j["attribute"].get<std::string>();
    if ((c.agg_op == AggOp::DistinctAtLeast || c.agg_op == AggOp::DistinctAtMost) &&
        c.attribute.empty()) {
      error(ptr, "a distinct count needs an attribute");
    }
    if (j.contains("group_by"))
      c.group_by = j["group_by"].is_string() ? j["group_by"].get<std::string>() : "";
    if (!c.value.is_number()) error(ptr + "/value", "an aggregate condition's value is a number");
    if (c.resource_types.empty()) error(ptr, "an aggregate condition needs resource_types");
    if (j.contains("where")) {
      // Only members meeting `where` count; its conditions default to the aggregate's types.
      auto saved = std::exchange(inherited_types_, c.resource_types);
      if (auto inner = condition(j["where"], ptr + "/where"))
        c.children.push_back(std::move(*inner));
      inherited_types_ = std::move(saved);
    }
    return c;
  }
  if (c.kind == CondKind::Connection) {
    if (j.contains("via")) {
      c.via = j["via"].is_string() ? j["via"].get<std::string>() : "";
      if (c.via != "namespace")
        error(ptr + "/via", "a connection is via the graph's edges or via: namespace");
    }
    if (j.contains("connected_resource_types")) {
      c.connected_types = strings(j["connected_resource_types"], ptr + "/connected_resource_types",
                                  "connected_resource_types");
    } else {
      error(ptr, "a connection condition needs connected_resource_types");
    }
    if (op == "exists") {
      c.conn_op = ConnOp::Exists;
    } else if (op == "not_exists") {
      c.conn_op = ConnOp::NotExists;
    } else if (op == "one_exists") {
      c.conn_op = ConnOp::OneExists;
    } else if (!op.empty()) {
      error(ptr + "/operator",
            "unknown connection operator \"" + op + "\" (exists, not_exists, one_exists)");
    }
    if (c.resource_types.empty()) error(ptr, "a connection condition needs resource_types");
    return c;
  }
  if (c.kind == CondKind::Filter) {
    const std::string attr = j.contains("attribute") && j["attribute"].is_string()
                                 ? j["attribute"].get<std::string>()
                                 : "";
    if (attr != "resource_type")
      error(ptr + "/attribute", "a filter applies to attribute resource_type");
    if (!op.empty() && op != "within") error(ptr + "/operator", "a filter's operator is within");
    c.resource_types = strings(c.value, ptr + "/value", "filter values");
    return c;
  }
  if (!j.contains("attribute") || !j["attribute"].is_string()) {
    error(ptr, "an attribute condition needs attribute");
  } else {
    c.attribute = j["attribute"].get<std::string>();
  }
  if (op.rfind("jsonpath_", 0) == 0) {
    c.jsonpath = true;
    op = op.substr(9);
  }
  if (!op.empty()) {
    auto parsed = parse_operator(op);
    if (!parsed) {
      error(ptr + "/operator", "unknown operator \"" + op + "\"");
    } else {
      c.op = *parsed;
    }
  }
  if (c.resource_types.empty()) error(ptr, "an attribute condition needs resource_types");
  if (j.contains("value_attribute")) {
    if (j["value_attribute"].is_string()) {
      c.value_attribute = j["value_attribute"].get<std::string>();
    } else {
      error(ptr + "/value_attribute", "value_attribute is an attribute path");
    }
  }
  if (c.op == Op::RegexMatch || c.op == Op::NotRegexMatch) {
    const std::string pattern = c.value.is_string() ? c.value.get<std::string>() : c.value.dump();
    RE2::Options o;
    o.set_log_errors(false);
    auto re = std::make_shared<RE2>(pattern, o);
    if (!re->ok()) {
      std::string why = re->error();
      if (pattern.find("(?=") != std::string::npos || pattern.find("(?!") != std::string::npos ||
          pattern.find("(?<=") != std::string::npos || pattern.find("(?<!") != std::string::npos) {
        why = "lookaround assertions are not supported by RE2";
      } else if (re->error_code() == RE2::ErrorBadEscape &&
                 pattern.find("\\1") != std::string::npos) {
        why = "backreferences are not supported by RE2";
      }
      error(ptr + "/value", "regex \"" + pattern + "\" cannot be compiled: " + why);
    }
    c.regex = std::move(re);
  }
  const bool needs_value = c.op != Op::Exists && c.op != Op::NotExists && c.op != Op::IsEmpty &&
                           c.op != Op::IsNotEmpty && c.op != Op::IsTrue && c.op != Op::IsFalse;
  if (needs_value && !j.contains("value") && c.value_attribute.empty())
    error(ptr, "operator \"" + op + "\" needs a value");
  return c;
}

void collect_scope(const Condition& c, std::set<std::string>& types, std::set<std::string>& filter,
                   std::vector<std::string>& first_filter) {
  switch (c.kind) {
    case CondKind::And:
    case CondKind::Or:
    case CondKind::Not:
      for (const auto& k : c.children) collect_scope(k, types, filter, first_filter);
      break;
    case CondKind::Filter:
      // A filter anywhere restricts which resources are reported (Checkov nests it in an
      // "and" inside an "or" as often as at the top).
      filter.insert(c.resource_types.begin(), c.resource_types.end());
      if (first_filter.empty()) first_filter = c.resource_types;
      break;
    case CondKind::Each:
    case CondKind::Attribute:
    case CondKind::Connection:
    case CondKind::Aggregate:
      types.insert(c.resource_types.begin(), c.resource_types.end());
      break;
  }
}

}  // namespace

std::string_view severity_name(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::Critical:
      return "critical";
    case RuleSeverity::High:
      return "high";
    case RuleSeverity::Medium:
      return "medium";
    case RuleSeverity::Low:
      return "low";
    case RuleSeverity::Info:
      return "info";
  }
  return "medium";
}

std::optional<RuleSeverity> parse_severity(std::string_view s) {
  const std::string l = ascii_lower(s);
  if (l == "critical") return RuleSeverity::Critical;
  if (l == "high") return RuleSeverity::High;
  if (l == "medium") return RuleSeverity::Medium;
  if (l == "low") return RuleSeverity::Low;
  if (l == "info") return RuleSeverity::Info;
  return std::nullopt;
}

std::optional<Op> parse_operator(std::string_view name) {
  for (const auto& [n, op] : kOperators) {
    if (n == name) return op;
  }
  return std::nullopt;
}

bool is_negated(Op op) {
  switch (op) {
    case Op::NotEquals:
    case Op::NotRegexMatch:
    case Op::NotExists:
    case Op::NotContains:
    case Op::NotWithin:
    case Op::NotStartingWith:
    case Op::NotEndingWith:
    case Op::NotSubset:
    case Op::NotIntersects:
    case Op::NotEqualsIgnoreCase:
    case Op::RangeNotIncludes:
    case Op::CidrRangeNotSubset:
      return true;
    default:
      return false;
  }
}

namespace {

// "{{name}}" in a condition's value takes the parameter's value (its type too).
void substitute_parameters(nlohmann::json& j, const nlohmann::json& params) {
  if (j.is_object() || j.is_array()) {
    for (auto& x : j) substitute_parameters(x, params);
    return;
  }
  if (!j.is_string()) return;
  const std::string s = j.get<std::string>();
  if (s.size() > 4 && s.rfind("{{", 0) == 0 && s.substr(s.size() - 2) == "}}") {
    const std::string name = s.substr(2, s.size() - 4);
    if (params.contains(name)) j = params[name];
  }
}

}  // namespace

std::optional<Rule> compile_rule(const nlohmann::json& doc_in, const std::string& file,
                                 const Locator& locate, std::vector<LoadError>& errors,
                                 const nlohmann::json* overrides) {
  Compiler c(file, locate, errors);
  nlohmann::json doc = doc_in;
  if (doc.is_object() && doc.contains("metadata") && doc["metadata"].is_object()) {
    nlohmann::json params = doc["metadata"].value("parameters", nlohmann::json::object());
    if (overrides && overrides->is_object()) {
      for (auto it = overrides->begin(); it != overrides->end(); ++it) {
        if (!params.contains(it.key()))
          c.error("/metadata/parameters", "rule has no parameter \"" + it.key() + "\"");
        params[it.key()] = it.value();
      }
    }
    if (!params.empty() && doc.contains("definition"))
      substitute_parameters(doc["definition"], params);
    doc["metadata"]["parameters"] = params;
  }
  if (!doc.is_object()) {
    c.error("", "a rule file must be a mapping with metadata and definition");
    return std::nullopt;
  }
  Rule r;
  r.source = file;
  const nlohmann::json meta = doc.value("metadata", nlohmann::json::object());
  auto str = [&](const char* key) {
    return meta.contains(key) && meta[key].is_string() ? meta[key].get<std::string>()
                                                       : std::string();
  };
  r.id = str("id");
  if (r.id.empty()) c.error("/metadata", "a rule needs metadata.id");
  r.name = str("name");
  r.category = str("category");
  r.guideline = str("guideline");
  r.description = str("description");
  r.remediation = str("remediation");
  r.message = str("message");
  if (meta.contains("section")) {
    r.section =
        meta["section"].is_string() ? meta["section"].get<std::string>() : meta["section"].dump();
  }
  if (meta.contains("severity")) {
    auto s = meta["severity"].is_string() ? parse_severity(meta["severity"].get<std::string>())
                                          : std::nullopt;
    if (!s) {
      c.error("/metadata/severity", "severity must be critical, high, medium, low or info");
    } else {
      r.severity = *s;
    }
  }
  for (const char* key : {"tags", "formats"}) {
    if (!meta.contains(key)) continue;
    auto& target = std::string_view(key) == "tags" ? r.tags : r.formats;
    if (meta[key].is_array()) {
      for (const auto& t : meta[key]) {
        if (t.is_string()) target.push_back(t.get<std::string>());
      }
    }
  }
  if (meta.contains("peer_ids") && meta["peer_ids"].is_object()) {
    for (auto it = meta["peer_ids"].begin(); it != meta["peer_ids"].end(); ++it) {
      for (const auto& id : it.value()) {
        if (id.is_string()) r.peer_ids[it.key()].push_back(id.get<std::string>());
      }
    }
  }
  if (meta.contains("examples")) r.examples = meta["examples"];
  r.parameters = meta.value("parameters", nlohmann::json::object());
  // Parameters appear in the message too: "no rotation within {{max_days}} days".
  for (auto it = r.parameters.begin(); it != r.parameters.end(); ++it) {
    const std::string key = "{{" + it.key() + "}}";
    const std::string value =
        it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    for (size_t pos = r.message.find(key); pos != std::string::npos;
         pos = r.message.find(key, pos + value.size())) {
      r.message.replace(pos, key.size(), value);
    }
  }
  if (meta.contains("enabled"))
    r.enabled_by_default = meta["enabled"].is_boolean() && meta["enabled"].get<bool>();
  if (doc.contains("scope")) {
    r.repository_scope = doc["scope"] == "repository";
    if (!r.repository_scope) c.error("/scope", "scope is \"repository\" or absent");
  }
  if (doc.contains("environments")) {
    for (const auto& e : doc["environments"]) {
      if (e != "production" && e != "development") {
        c.error("/environments", "environments are \"production\" and \"development\"");
      } else {
        r.environments.push_back(e.get<std::string>());
      }
    }
  }
  if (doc.contains("facet")) {
    r.facet = doc["facet"].is_string() ? doc["facet"].get<std::string>() : "";
    if (r.facet != "container" && r.facet != "secret")
      c.error("/facet", "unknown facet \"" + r.facet + "\" (container, secret)");
  }
  if (!doc.contains("definition")) {
    c.error("", "a rule needs a definition");
    return std::nullopt;
  }
  auto def = c.condition(doc["definition"], "/definition");
  if (!def || !c.ok()) return std::nullopt;
  r.definition = std::move(*def);
  std::set<std::string> types, filter;
  collect_scope(r.definition, types, filter, r.subject_order);
  const std::set<std::string>& scope = filter.empty() ? types : filter;
  r.scope_types.assign(scope.begin(), scope.end());
  if (r.repository_scope && r.subject_order.empty())
    c.error("/scope",
            "a repository rule needs a filter naming the types that create the obligation");
  if (!c.ok()) return std::nullopt;
  return r;
}

namespace {

nlohmann::json yaml_to_json(const YAML::Node& n, const std::string& ptr,
                            std::map<std::string, YAML::Mark>& marks) {
  marks[ptr] = n.Mark();
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) {
        const std::string key = kv.first.as<std::string>();
        marks[ptr + "/" + key] = kv.first.Mark();
        o[key] = yaml_to_json(kv.second, ptr + "/" + key, marks);
        marks[ptr + "/" + key] = kv.first.Mark();
      }
      return o;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      size_t i = 0;
      for (const auto& item : n)
        a.push_back(yaml_to_json(item, ptr + "/" + std::to_string(i++), marks));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted: a string
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (s == "null" || s == "~") return nullptr;
      double d = 0;
      if (parse_number(s, d)) {
        if (d == static_cast<double>(static_cast<long long>(d)) &&
            s.find('.') == std::string::npos) {
          return static_cast<long long>(d);
        }
        return d;
      }
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

std::optional<nlohmann::json> yaml_rule_document(const std::string& text, const std::string& file,
                                                 Locator& locate, std::vector<LoadError>& errors) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.push_back(LoadError{file, static_cast<uint32_t>(e.mark.line + 1),
                               static_cast<uint32_t>(e.mark.column + 1), "invalid YAML: " + e.msg});
    return std::nullopt;
  }
  auto marks = std::make_shared<std::map<std::string, YAML::Mark>>();
  nlohmann::json doc = yaml_to_json(root, "", *marks);
  locate = [marks](const std::string& pointer) -> std::pair<uint32_t, uint32_t> {
    // The deepest written ancestor of the pointer.
    std::string p = pointer;
    while (true) {
      auto it = marks->find(p);
      if (it != marks->end() && it->second.line >= 0) {
        return {static_cast<uint32_t>(it->second.line + 1),
                static_cast<uint32_t>(it->second.column + 1)};
      }
      if (p.empty()) return {1, 1};
      p = p.substr(0, p.rfind('/'));
    }
  };
  return doc;
}

std::vector<Rule> load_rule_dir(const std::string& dir, std::vector<LoadError>& errors) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back(LoadError{dir, 0, 0, "not a folder"});
    return {};
  }
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Rule> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    Locator locate;
    auto doc = yaml_rule_document(ss.str(), f.string(), locate, errors);
    if (!doc) continue;
    if (auto r = compile_rule(*doc, f.string(), locate, errors)) out.push_back(std::move(*r));
  }
  return out;
}

bool applies_to(const std::vector<std::string>& scope_types, const std::string& facet,
                const std::set<std::string>& resource_types,
                const std::set<std::string>& facet_kinds) {
  if (!facet.empty()) return facet_kinds.count(facet) > 0;
  return std::any_of(scope_types.begin(), scope_types.end(), [&](const std::string& t) {
    if (t == "all" || resource_types.count(t) > 0) return true;
    return t.back() == '*' &&
           std::any_of(resource_types.begin(), resource_types.end(),
                       [&](const std::string& r) { return type_pattern_matches(t, r); });
  });
}

std::vector<std::pair<std::string, std::string>> example_files(const Rule& r,
                                                               const std::string& kind) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!r.examples.is_object() || !r.examples.contains(kind)) return out;
  const auto& e = r.examples[kind];
  if (e.is_string()) {
    out.emplace_back("", e.get<std::string>());
  } else if (e.is_object()) {
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (it.value().is_string()) out.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  return out;
}

std::string example_text(const Rule& r, const std::string& kind) {
  std::string text;
  for (const auto& [name, content] : example_files(r, kind)) {
    if (!name.empty()) text += (text.empty() ? "# " : "\n# ") + name + "\n";
    text += content;
  }
  return text;
}

bool type_pattern_matches(const std::string& pattern, const std::string& type) {
  if (pattern == "all" || pattern == type) return true;
  return !pattern.empty() && pattern.back() == '*' &&
         type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0 &&
         type.size() >= pattern.size() - 1;
}

}  // namespace infralint::rules
