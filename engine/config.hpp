// The repository's configuration: `.infralint.yaml` at or above the scan root, or --config
// FILE. Validated: an unknown key or a value of the wrong type is an error with its line and
// column. `infralint init` writes a commented default (default_config_text()).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/graph.hpp"
#include "engine/rules/rule.hpp"
#include "engine/suppress.hpp"

namespace infralint {

struct Config {
  std::string path;  // the file it came from ("" when none)
  // rules:
  std::vector<std::string> select;              // run only these rules or sections (like --select)
  std::vector<std::string> enable;              // also run these (rules that are off by default)
  std::vector<std::string> disable;             // never run these (like --ignore)
  std::map<std::string, std::string> severity;  // rule id -> critical|high|medium|low|info
  std::map<std::string, nlohmann::json> parameters;  // rule id -> {name: value}
  std::vector<std::string> rule_folders;             // relative to the config file's folder
  // paths:
  std::vector<std::string> exclude;  // gitignore-style globs, relative to the scan root
  std::vector<PathIgnore> ignores;   // per-path suppressions with reason and expiry
  std::vector<std::pair<std::string, std::string>> environments;  // glob -> production|...
  // suppressions:
  bool inline_suppressions = true;
  bool peer_suppressions = true;
  std::optional<std::string> fail_on;
};

struct ConfigError {
  std::string file;
  Position at;
  std::string message;
};

// Parses and validates a config file's text; errors (with positions) go to `errors`.
std::optional<Config> parse_config(const std::string& path, const std::string& text,
                                   std::vector<ConfigError>& errors);

// Reads and validates a configuration file (errors, with positions, go to `errors`).
std::optional<Config> load_config(const std::string& path, std::vector<ConfigError>& errors);

// The built-in rules that can judge something in this graph (every built-in rule when `graph` is
// null: a workspace whose files change), with the configuration's parameters and severity
// overrides applied (the scan and the language server use the same).
std::vector<rules::Rule> configured_builtins(const Config& config, const Graph* graph);

// Whether a rule runs: the ids or sections in `select` (all rules that are on when it is empty;
// a rule that is off by default only when selected by its id), plus `enable`, minus `disable`.
bool rule_selected(const rules::Rule& r, const std::vector<std::string>& select,
                   const std::vector<std::string>& enable, const std::vector<std::string>& disable);

// The configuration's suppression settings (inline, peers, per-path ignores), as of today.
SuppressOptions suppress_options(const Config& config);

// The nearest .infralint.yaml at or above `dir` (absolute), or "".
std::string find_config(const std::string& dir);

// What `infralint init` writes.
std::string_view default_config_text();

}  // namespace infralint
