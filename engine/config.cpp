#include "engine/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/rules/rule.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint {

namespace {

class Reader {
 public:
  Reader(const SourceFile& src, std::vector<ConfigError>& errors) : src_(src), errors_(errors) {}

  void error(const Value& at, std::string msg) {
    errors_.push_back(ConfigError{src_.path(), src_.position(at.span.begin), std::move(msg)});
  }
  void error_at(Span key, std::string msg) {
    errors_.push_back(ConfigError{src_.path(), src_.position(key.begin), std::move(msg)});
  }

  // A mapping whose keys must be among `allowed`.
  bool map(const Value& v, const std::string& what,
           std::initializer_list<std::string_view> allowed) {
    if (!v.is_map()) {
      error(v, what + " must be a mapping");
      return false;
    }
    for (const auto& e : v.entries) {
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error_at(e.key_span, "unknown key \"" + e.key + "\" in " + what + " (" + list + ")");
      }
    }
    return true;
  }
  std::optional<std::string> string(const Value& v, const std::string& what) {
    if (v.is_string() || v.kind == ValueKind::Number) return std::string(v.scalar_text());
    error(v, what + " must be a string");
    return std::nullopt;
  }
  std::vector<std::string> strings(const Value& v, const std::string& what) {
    std::vector<std::string> out;
    if (!v.is_list()) {
      error(v, what + " must be a list of strings");
      return out;
    }
    for (const auto& i : v.items) {
      if (auto s = string(i, what + " entries")) out.push_back(*s);
    }
    return out;
  }
  std::optional<bool> boolean(const Value& v, const std::string& what) {
    if (v.kind == ValueKind::Bool) return v.boolean;
    error(v, what + " must be true or false");
    return std::nullopt;
  }
  std::optional<std::string> date(const Value& v, const std::string& what) {
    auto s = string(v, what);
    if (!s) return s;
    const bool ok = s->size() == 10 && (*s)[4] == '-' && (*s)[7] == '-' &&
                    std::all_of(s->begin(), s->end(), [](char c) {
                      return std::isdigit(static_cast<unsigned char>(c)) || c == '-';
                    });
    if (!ok) {
      error(v, what + " must be a date, YYYY-MM-DD");
      return std::nullopt;
    }
    return s;
  }

 private:
  const SourceFile& src_;
  std::vector<ConfigError>& errors_;
};

}  // namespace

std::optional<Config> parse_config(const std::string& path, const std::string& text,
                                   std::vector<ConfigError>& errors) {
  const SourceFile src(path, text);
  auto parsed = yaml::parse(src, 0);
  const size_t before = errors.size();
  for (const auto& d : parsed.diagnostics) {
    if (d.severity == Severity::Error) errors.push_back(ConfigError{path, d.start, d.message});
  }
  if (parsed.failed || errors.size() > before) return std::nullopt;
  Config c;
  c.path = path;
  if (parsed.documents.empty() || parsed.documents[0].root.is_null()) return c;
  const Value& root = parsed.documents[0].root;
  Reader r(src, errors);
  if (!r.map(root, "the configuration",
             {"rules", "exclude", "ignore", "environments", "suppressions", "fail_on"}))
    return std::nullopt;
  if (const Value* rs = root.get("rules");
      rs &&
      r.map(*rs, "rules", {"select", "enable", "disable", "severity", "parameters", "folders"})) {
    if (const Value* v = rs->get("select")) c.select = r.strings(*v, "rules.select");
    if (const Value* v = rs->get("enable")) c.enable = r.strings(*v, "rules.enable");
    if (const Value* v = rs->get("disable")) c.disable = r.strings(*v, "rules.disable");
    if (const Value* v = rs->get("folders")) c.rule_folders = r.strings(*v, "rules.folders");
    if (const Value* v = rs->get("severity")) {
      if (!v->is_map()) {
        r.error(*v, "rules.severity must be a mapping of rule ids to severities");
      } else {
        for (const auto& e : v->entries) {
          auto s = r.string(e.value, "the severity of " + e.key);
          if (s && !rules::parse_severity(*s)) {
            r.error(e.value, "severity must be critical, high, medium, low or info");
          } else if (s) {
            c.severity[e.key] = *s;
          }
        }
      }
    }
    if (const Value* v = rs->get("parameters")) {
      if (!v->is_map()) {
        r.error(*v, "rules.parameters must be a mapping of rule ids to {parameter: value}");
      } else {
        for (const auto& e : v->entries) {
          if (!e.value.is_map()) {
            r.error(e.value, "the parameters of " + e.key + " must be a mapping");
            continue;
          }
          const auto& all = rules::builtin_rules();
          auto rule =
              std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.id == e.key; });
          if (rule == all.end()) {
            r.error_at(e.key_span, "no built-in rule " + e.key);
            continue;
          }
          for (const auto& p : e.value.entries) {
            if (!rule->parameters.contains(p.key))
              r.error_at(p.key_span, e.key + " has no parameter \"" + p.key + "\"");
          }
          c.parameters[e.key] = to_plain_json(e.value);
        }
      }
    }
  }
  if (const Value* v = root.get("exclude")) c.exclude = r.strings(*v, "exclude");
  if (const Value* v = root.get("ignore")) {
    if (!v->is_list()) {
      r.error(*v, "ignore must be a list of {path, rules, reason, until}");
    } else {
      for (const auto& item : v->items) {
        if (!r.map(item, "an ignore entry", {"path", "rules", "reason", "until"})) continue;
        PathIgnore pi;
        const Value* p = item.get("path");
        const Value* reason = item.get("reason");
        if (!p) r.error(item, "an ignore entry needs a path");
        if (!reason) r.error(item, "an ignore entry needs a reason");
        if (p) pi.path = r.string(*p, "path").value_or("");
        if (reason) pi.reason = r.string(*reason, "reason").value_or("");
        if (const Value* rl = item.get("rules")) pi.rules = r.strings(*rl, "rules");
        if (const Value* u = item.get("until")) pi.until = r.date(*u, "until").value_or("");
        c.ignores.push_back(std::move(pi));
      }
    }
  }
  if (const Value* v = root.get("environments");
      v && r.map(*v, "environments", {"production", "development"})) {
    for (const auto& e : v->entries) {
      for (const auto& glob : r.strings(e.value, "environments." + e.key))
        c.environments.emplace_back(glob, e.key);
    }
  }
  if (const Value* v = root.get("suppressions");
      v && r.map(*v, "suppressions", {"inline", "peers"})) {
    if (const Value* b = v->get("inline"))
      c.inline_suppressions = r.boolean(*b, "suppressions.inline").value_or(true);
    if (const Value* b = v->get("peers"))
      c.peer_suppressions = r.boolean(*b, "suppressions.peers").value_or(true);
  }
  if (const Value* v = root.get("fail_on")) {
    auto s = r.string(*v, "fail_on");
    if (s && *s != "never" && !rules::parse_severity(*s)) {
      r.error(*v, "fail_on must be critical, high, medium, low, info or never");
    } else {
      c.fail_on = s;
    }
  }
  if (errors.size() > before) return std::nullopt;
  return c;
}

std::optional<Config> load_config(const std::string& path, std::vector<ConfigError>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(ConfigError{path, Position{}, "cannot read the configuration"});
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(path, ss.str(), errors);
}

std::vector<rules::Rule> configured_builtins(const Config& config, const Graph* graph) {
  std::set<std::string> types, facets;
  if (graph) {
    for (const auto& r : graph->resources) {
      types.insert(r.type);
      for (const auto& f : r.facets) facets.insert(f.kind);
    }
  }
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [id, params] : config.parameters) parameters[id] = params;
  std::vector<rules::Rule> out =
      rules::builtin_rules_for(graph ? &types : nullptr, graph ? &facets : nullptr, &parameters);
  for (auto& r : out) {
    if (auto it = config.severity.find(r.id); it != config.severity.end())
      r.severity = *rules::parse_severity(it->second);
  }
  return out;
}

bool rule_selected(const rules::Rule& r, const std::vector<std::string>& select,
                   const std::vector<std::string>& enable,
                   const std::vector<std::string>& disable) {
  auto named = [&](const std::vector<std::string>& keys) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return k == r.id || k == r.section; });
  };
  const bool by_id = std::find(select.begin(), select.end(), r.id) != select.end();
  const bool chosen =
      select.empty() ? r.enabled_by_default : by_id || (named(select) && r.enabled_by_default);
  return (chosen || named(enable)) && !named(disable);
}

SuppressOptions suppress_options(const Config& config) {
  SuppressOptions o;
  o.inline_comments = config.inline_suppressions;
  o.peers = config.peer_suppressions;
  o.ignores = config.ignores;
  o.today = today_utc();
  return o;
}

std::string find_config(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p = fs::path(dir); !p.empty(); p = p.parent_path()) {
    for (const char* name : {".infralint.yaml", ".infralint.yml"}) {
      if (fs::is_regular_file(p / name, ec)) return (p / name).string();
    }
    if (p == p.parent_path()) break;
  }
  return "";
}

std::string_view default_config_text() {
  return R"cfg(# infralint configuration (docs: README.md, "Configuration"). Every key is optional.

rules:
  # Run only these rules or review sections (like --select); empty: every rule that is on.
  select: []
  # Also run rules that are off by default, e.g. IL202 (images pinned to a digest).
  enable: []
  # Never run these rules or sections (like --ignore), e.g. ["IL113", "5.3"].
  disable: []
  # Severity overrides: critical, high, medium, low or info.
  severity: {}
  #   IL201: critical
  # Rule parameters.
  parameters: {}
  #   IL331: {max_days: 14}
  # Folders of your own rules (YAML, Checkov-compatible), relative to this file.
  folders: []

# Paths never scanned (gitignore syntax), in addition to .gitignore.
exclude: []
#  - "vendor/**"

# Accepted risks for whole paths: a reason is required; until= makes it expire.
ignore: []
#  - path: "legacy/**"
#    rules: ["IL201"]
#    reason: "the legacy stack is being retired (PLAT-123)"
#    until: 2027-03-31

# Which paths are production or development, when the path and tags do not say it.
environments:
  production: []
  development: []

suppressions:
  # false: ignore every inline suppression (the policy owner's view; --no-inline-suppressions).
  inline: true
  # false: ignore peers' skips (#checkov:skip=, # hadolint ignore=, #trivy:ignore:, ...).
  peers: true

# Exit 1 on findings of this severity or higher (critical, high, medium, low, info, never).
fail_on: info
)cfg";
}

}  // namespace infralint
