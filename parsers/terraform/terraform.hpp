// Terraform: module directories, variables and tfvars, locals, count/for_each, dynamic blocks,
// local and pre-fetched modules, evaluated offline into graph resources with Terraform's
// addresses and reference edges. Everything that cannot be known offline is unknown.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph.hpp"
#include "parsers/terraform/hcl.hpp"

namespace infralint::terraform {

struct Options {
  std::vector<std::string> var_files;                     // --var-file, in order
  std::vector<std::pair<std::string, std::string>> vars;  // --var name=value, in order
  bool read_env = true;                                   // TF_VAR_name
  size_t max_instances_per_resource = 10'000;
  size_t max_module_depth = 16;
  size_t max_total_instances = 1'000'000;
  size_t max_file_size = 10 * 1024 * 1024;
};

struct ParsedFile {
  uint32_t file = kNoFile;
  uint64_t generation = 0;  // changes whenever the file is parsed again (see Cache)
  hcl::File ast;
  std::shared_ptr<const hcl::SyntaxTree> tree;  // kept for an incremental reparse (native syntax)
};

// What evaluating each root module produced, kept between builds by a caller that builds the
// same workspace again and again (the language server): a root module whose folders (its own and
// every local module it called) hold the same files of the same generations is not evaluated
// again. A root that read anything from disk (file(), a fetched or outside module) always is.
struct Cache {
  struct Root {
    std::map<std::string, std::string> folders;  // folder -> its files' stamp when evaluated
    std::vector<Resource> resources;
    std::vector<Edge> edges;  // between `resources`, by their index there
    std::vector<Diagnostic> diagnostics;
    size_t instances = 0;
  };
  std::map<std::string, Root> roots;  // by root module folder
};

// Builds every root module of the scan into the graph. `files` are the parsed Terraform files
// of the scan (configuration and tfvars); diagnostics go to the graph. `cache` is optional.
void build(Graph& graph, const std::vector<std::shared_ptr<const ParsedFile>>& files,
           const Options& options, Cache* cache = nullptr);

// Parses one Terraform file by its name (native or JSON syntax, configuration or tfvars).
// `keep_tree`: keep the syntax tree, so that the next version can be parsed incrementally from
// this one (`previous`, whose ast.source must still be alive).
ParsedFile parse_file(const SourceFile& source, uint32_t file_index,
                      std::vector<Diagnostic>& diagnostics, bool keep_tree = false,
                      const ParsedFile* previous = nullptr);

}  // namespace infralint::terraform
