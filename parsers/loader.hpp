// Loads a repository into one resource graph: discover -> read and parse every file in
// parallel -> group compose projects -> link across files -> finalize (DESIGN.md "Pipeline").
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/discover.hpp"
#include "engine/graph.hpp"
#include "parsers/terraform/terraform.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint {

// What parsing each file produced, kept between loads of one workspace (the language server):
// a file whose text (or, on disk, whose inode, size and modification time) is unchanged is not
// parsed again, and Terraform root modules whose folders are unchanged are not evaluated again.
// One cache per workspace; a load uses it from one thread at a time.
class ParseCache {
 public:
  ParseCache();
  ~ParseCache();
  ParseCache(const ParseCache&) = delete;
  ParseCache& operator=(const ParseCache&) = delete;
  struct Entry;
  std::map<std::string, std::unique_ptr<Entry>> files;  // by absolute path
  struct Project;
  std::map<std::string, std::unique_ptr<Project>> compose;  // by project folder and files
  terraform::Cache terraform;
  size_t hits = 0, misses = 0;  // of the last load
};

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
  // Editors: what an earlier discover() found (files are not looked for again), and the cache.
  const Discovery* discovery = nullptr;
  ParseCache* cache = nullptr;
};

struct LoadResult {
  Graph graph;
  bool usage_error = false;
};

LoadResult load(const LoadOptions& options);

}  // namespace infralint
