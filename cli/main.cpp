// infralint's command line: scan, graph, rules, version.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "engine/discover.hpp"
#include "parsers/loader.hpp"
#include "reporters/graph_writer.hpp"

namespace {

using namespace infralint;

// Exit codes (README "Exit codes").
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

struct CommonOptions {
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::string type;
  std::string stdin_filename;
  bool no_gitignore = false;
  unsigned jobs = 0;
  size_t max_file_size = 10 * 1024 * 1024;
  std::vector<std::string> tf_vars;
  std::vector<std::string> tf_var_files;
  size_t max_instances = 10'000;
  size_t max_module_depth = 16;
};

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("paths", o.paths,
                  "Files or folders to scan (default: .); - reads standard input");
  cmd->add_option("--exclude", o.excludes,
                  "Skip paths matching this gitignore-style glob (repeatable)");
  cmd->add_option("--type", o.type, "Treat every file found as this format")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kFormats), std::end(kFormats))));
  cmd->add_option("--stdin-filename", o.stdin_filename,
                  "The path standard input is reported under");
  cmd->add_flag("--no-gitignore", o.no_gitignore, "Also scan what .gitignore ignores");
  cmd->add_option("-j,--jobs", o.jobs, "Parallel jobs (default: every core)");
  cmd->add_option("--max-file-size", o.max_file_size,
                  "Skip files larger than this many bytes (default: 10 MB)");
  cmd->add_option("--var", o.tf_vars, "Terraform variable NAME=VALUE for root modules (repeatable)")
      ->check(CLI::Validator(
          [](const std::string& v) {
            return v.find('=') == std::string::npos ? std::string("expected NAME=VALUE")
                                                    : std::string();
          },
          "NAME=VALUE"));
  cmd->add_option("--var-file", o.tf_var_files,
                  "Terraform variables file for root modules (repeatable)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--max-instances", o.max_instances,
                  "Cap on the instances of one Terraform resource or module (default: 10000)");
  cmd->add_option("--max-module-depth", o.max_module_depth,
                  "Cap on nested Terraform module calls (default: 16)");
}

LoadResult run_load(const CommonOptions& o) {
  LoadOptions lo;
  lo.discover.excludes = o.excludes;
  lo.discover.forced_type = o.type;
  lo.discover.use_gitignore = !o.no_gitignore;
  lo.jobs = o.jobs;
  lo.max_file_size = o.max_file_size;
  lo.terraform.max_file_size = o.max_file_size;
  lo.terraform.max_instances_per_resource = o.max_instances;
  lo.terraform.max_module_depth = o.max_module_depth;
  lo.terraform.var_files = o.tf_var_files;
  for (const auto& v : o.tf_vars) {
    const size_t eq = v.find('=');
    lo.terraform.vars.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  if (o.paths.size() == 1 && o.paths[0] == "-") {
    lo.use_stdin = true;
    lo.stdin_name = o.stdin_filename.empty() ? "stdin" : o.stdin_filename;
    lo.stdin_text.assign(std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>());
  } else {
    lo.discover.paths = o.paths;
  }
  return load(lo);
}

void print_diagnostics(const Graph& g, std::ostream& out) {
  for (const auto& d : g.diagnostics) {
    out << (d.path.empty() ? "infralint" : d.path) << ":" << d.start.line << ":" << d.start.column
        << ": " << severity_name(d.severity) << ": " << d.message << "\n";
  }
}

bool has_error(const Graph& g) {
  for (const auto& d : g.diagnostics) {
    if (d.severity == Severity::Error) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"infralint: a policy and compliance linter for infrastructure as code"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("infralint ") + INFRALINT_GIT_DESCRIBE);

  CommonOptions scan_opts;
  bool fail_on_parse_error = false;
  CLI::App* scan = app.add_subcommand("scan", "Scan files and folders and report what falls short");
  add_common(scan, scan_opts);
  scan->add_flag(
      "--fail-on-parse-error", fail_on_parse_error,
      "Exit 1 when a file could not be read or parsed (default: reported, exit code unchanged)");

  CommonOptions graph_opts;
  std::string graph_format = "json";
  std::string graph_output;
  CLI::App* graph = app.add_subcommand("graph", "Print the resource graph");
  add_common(graph, graph_opts);
  graph->add_option("--format", graph_format, "json or dot")->check(CLI::IsMember({"json", "dot"}));
  graph->add_option("-o,--output", graph_output, "Write to this file instead of standard output");

  CLI::App* rules = app.add_subcommand("rules", "List the rules");
  std::string rules_format = "text";
  rules->add_option("--format", rules_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  CLI::App* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitClean : kExitUsage;
  }

  if (version->parsed()) {
    std::cout << "infralint " << INFRALINT_GIT_DESCRIBE << " (" << INFRALINT_VERSION << ")\n";
    return kExitClean;
  }
  if (rules->parsed()) {
    // The rule engine and its built-in pack come with their own issues; nothing is loaded yet.
    std::cout << (rules_format == "json" ? "[]\n" : "");
    return kExitClean;
  }
  if (graph->parsed()) {
    LoadResult r = run_load(graph_opts);
    if (r.usage_error) {
      print_diagnostics(r.graph, std::cerr);
      return kExitUsage;
    }
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!graph_output.empty()) {
      file.open(graph_output, std::ios::binary);
      if (!file) {
        std::cerr << "infralint: cannot write " << graph_output << "\n";
        return kExitUsage;
      }
      out = &file;
    }
    if (graph_format == "dot") {
      write_graph_dot(r.graph, *out);
    } else {
      write_graph_json(r.graph, *out);
    }
    return kExitClean;
  }
  // scan
  const auto start = std::chrono::steady_clock::now();
  LoadResult r = run_load(scan_opts);
  print_diagnostics(r.graph, std::cout);
  if (r.usage_error) return kExitUsage;
  size_t scanned = 0;
  for (const auto& f : r.graph.files) scanned += f.source != nullptr;
  std::cout << "infralint: " << scanned << " files, " << r.graph.resources.size() << " resources, "
            << r.graph.edges.size() << " edges";
  if (isatty(STDOUT_FILENO)) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    std::cout << " in " << ms.count() << " ms";
  }
  std::cout << "\n";
  return fail_on_parse_error && has_error(r.graph) ? kExitFindings : kExitClean;
}
