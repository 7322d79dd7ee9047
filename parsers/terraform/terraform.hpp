// Terraform: module directories, variables and tfvars, locals, count/for_each, dynamic blocks,
// local and pre-fetched modules, evaluated offline into graph resources with Terraform's
// addresses and reference edges. Everything that cannot be known offline is unknown.
#pragma once

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
  hcl::File ast;
};

// Builds every root module of the scan into the graph. `files` are the parsed Terraform files
// of the scan (configuration and tfvars); diagnostics go to the graph.
void build(Graph& graph, std::vector<ParsedFile>& files, const Options& options);

// Parses one Terraform file by its name (native or JSON syntax, configuration or tfvars).
ParsedFile parse_file(const SourceFile& source, uint32_t file_index,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace infralint::terraform
