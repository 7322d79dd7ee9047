// The language server's model of one workspace: its configuration, its files, and what parsing
// and evaluating them produced, kept between runs so that an edit re-parses only the changed
// file and re-evaluates only the Terraform root modules whose folders changed. Each run judges
// the whole workspace (cross-file facts stay right) and yields an immutable Judgement.
#pragma once

#include <sys/stat.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/discover.hpp"
#include "engine/graph.hpp"
#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "parsers/loader.hpp"

namespace infralint::lsp {

// One judged state of the workspace. Findings point into `rules`, positions into the graph's
// sources (the texts that were judged).
struct Judgement {
  Graph graph;
  std::shared_ptr<const std::vector<rules::Rule>> rules;
  rules::Results results;
  std::vector<ConfigError> config_errors;
  size_t parsed = 0, reused = 0;  // files parsed anew, files whose parse was reused
  double milliseconds = 0;
};

class Workspace {
 public:
  explicit Workspace(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  // Files were created or deleted: look for the workspace's files again on the next run.
  void rediscover() { discovery_.reset(); }
  // Whether a file (absolute path) is one of the workspace's files as last discovered.
  bool knows(const std::string& path) const;

  // Judges the open buffers (absolute path -> text) in the workspace, with the buffers over the
  // files on disk: every file is loaded and linked, the open ones are judged.
  std::shared_ptr<const Judgement> judge(std::map<std::string, std::string> overlays);

 private:
  // Reloads .infralint.yaml when it appeared, went or changed; true when it did.
  bool refresh_config(std::vector<ConfigError>& errors);
  // Compiles the rules again when the configuration or a file of its rule folders changed.
  void refresh_rules(std::vector<ConfigError>& errors);

  std::string root_;
  Config config_;
  std::string config_path_;
  struct stat config_stat_ {};
  std::optional<Discovery> discovery_;
  ParseCache cache_;
  // The built-in rules and the configuration's rule folders, compiled for config_ and for the
  // rule files as they were (rules_key_: their paths, sizes and modification times).
  std::shared_ptr<const std::vector<rules::Rule>> rules_;
  std::string rules_key_;
};

}  // namespace infralint::lsp
