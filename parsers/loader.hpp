// Loads a repository into one resource graph: discover -> read and parse every file in
// parallel -> group compose projects -> link across files -> finalize (DESIGN.md "Pipeline").
#pragma once

#include <map>
#include <string>

#include "engine/discover.hpp"
#include "engine/graph.hpp"
#include "parsers/terraform/terraform.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint {

struct LoadOptions {
  DiscoverOptions discover;
  size_t max_file_size = 10 * 1024 * 1024;
  unsigned jobs = 0;  // 0: every core
  yaml::Options yaml;
  terraform::Options terraform;
  // Standard input as one file (editors): `stdin_name` is the path it is reported under.
  bool use_stdin = false;
  std::string stdin_name;
  std::string stdin_text;
  // Editors: the text of open buffers, by absolute path, read instead of the files on disk.
  std::map<std::string, std::string> overlays;
};

struct LoadResult {
  Graph graph;
  bool usage_error = false;
};

LoadResult load(const LoadOptions& options);

}  // namespace infralint
