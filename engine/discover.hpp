// Discovery: walk the given paths, honour excludes and .gitignore, never leave the scan root
// through a symlink, never list a file twice, and classify each file by its name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace infralint {

// Format names, the same in --type and in every output.
inline constexpr std::string_view kFormats[] = {"terraform",        "compose",         "dockerfile",
                                                "kubernetes",       "github-workflow", "dependabot",
                                                "prometheus-rules", "otel-collector"};
bool is_format_name(std::string_view name);

// A YAML file whose format is decided by its content (compose, kubernetes, prometheus-rules,
// otel-collector) is classified as kSniffYaml until it has been parsed.
inline constexpr std::string_view kSniffYaml = "yaml";

struct DiscoveredFile {
  std::string path;  // relative to the scan root, '/' separated
  std::string abs;   // what to open
  std::string format;
  bool named = false;  // named on the command line
  size_t order = 0;    // position among the named paths (compose merges -f files in this order)
};

struct ManifestRecord {
  std::string path;       // the file that makes it a manifest
  std::string ecosystem;  // dependabot's package-ecosystem name
  std::string directory;  // "/" + folder relative to the scan root
};

struct DiscoverOptions {
  std::vector<std::string> paths;  // empty: "."
  std::vector<std::string> excludes;
  std::string forced_type;  // --type
  bool use_gitignore = true;
};

struct Discovery {
  std::string root;  // absolute
  std::vector<DiscoveredFile> files;
  std::vector<ManifestRecord> manifests;
  std::vector<Diagnostic> diagnostics;
  bool usage_error = false;
};

Discovery discover(const DiscoverOptions& options);

// The scan root the paths give (DECISIONS.md 6), absolute; "" when none exists.
std::string scan_root(std::vector<std::string> paths);

// The format a file's name implies ("" when the name says nothing; kSniffYaml for other YAML).
std::string classify_by_name(std::string_view rel_path);
// The dependabot ecosystem a file's name implies, or "".
std::string manifest_ecosystem(std::string_view rel_path);

}  // namespace infralint
