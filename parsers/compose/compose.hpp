// docker-compose: one project (one file, or several merged as compose merges them) becomes
// compose_service, compose_network, compose_volume, compose_secret and compose_config
// resources, with interpolation from the project's .env, `extends`, and merge keys (applied
// by the YAML layer).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "parsers/common/output.hpp"
#include "parsers/compose/interpolate.hpp"

namespace infralint::compose {

struct ProjectFile {
  uint32_t file = kNoFile;
  const SourceFile* source = nullptr;
  const Value* root = nullptr;  // the file's (first) YAML document
};

struct Project {
  std::string dir;     // relative to the scan root, "" at the root
  std::string prefix;  // address prefix: "" at the root, else "DIR:" (or "FILE:" for a lone file)
  std::vector<ProjectFile> files;  // in merge order
  Env env;                         // from the .env beside the files
  // Another compose file of the scan by its root-relative path (for `extends: {file: ...}`);
  // null when it is not part of the scan (its values are then unknown, DECISIONS.md 7).
  std::function<ProjectFile(const std::string& path)> find_file;
};

void build(const Project& project, ParseOutput& out);

// Service -> Dockerfile edges (`builds_from`), once every file is in the graph.
void link(Graph& graph);

}  // namespace infralint::compose
