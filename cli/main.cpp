// infralint's command line: scan, graph, rules, version.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli/progress.hpp"
#include "engine/config.hpp"
#include "engine/discover.hpp"
#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "engine/suppress.hpp"
#include "lsp/server.hpp"
#include "parsers/loader.hpp"
#include "reporters/audit.hpp"
#include "reporters/graph_writer.hpp"
#include "reporters/report.hpp"
#include "reporters/scan_report.hpp"

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

struct RuleOptions {
  std::vector<std::string> dirs;
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  std::vector<std::string> enable;  // the configuration's rules.enable: added, even if off
};

std::vector<std::string> split_commas(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t end = s.find(',', pos);
      if (end == std::string::npos) end = s.size();
      if (end > pos) out.push_back(s.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return out;
}

// The built-in rules plus --rules folders, selected. Errors: exit 2 with their positions.
// `builtins`: the built-in rules to consider (all of them, or those a scan's graph needs).
std::optional<std::vector<const rules::Rule*>> select_rules(
    const RuleOptions& o, const std::vector<rules::Rule>& builtins, std::vector<rules::Rule>& user,
    std::ostream& err) {
  std::vector<rules::LoadError> errors;
  for (const auto& d : o.dirs) {
    auto loaded = rules::load_rule_dir(d, errors);
    for (auto& r : loaded) user.push_back(std::move(r));
  }
  // Ids are unique across every built-in rule (instantiated or not) and the user's rules.
  std::map<std::string, std::string> seen;
  for (const auto& e : rules::builtin_entries()) {
    seen.emplace(e.doc["metadata"]["id"].get<std::string>(),
                 e.doc["metadata"]["source"].get<std::string>());
  }
  std::vector<const rules::Rule*> all;
  for (const auto& r : builtins) all.push_back(&r);
  for (const auto& r : user) {
    all.push_back(&r);
    auto [it, fresh] = seen.emplace(r.id, r.source);
    if (!fresh) {
      errors.push_back(rules::LoadError{
          r.source, 0, 0, "duplicate rule id " + r.id + " (also in " + it->second + ")"});
    }
  }
  for (const auto& e : errors) {
    err << e.file;
    if (e.line) err << ":" << e.line << ":" << e.column;
    err << ": error: " << e.message << "\n";
  }
  if (!errors.empty()) return std::nullopt;
  const auto select = split_commas(o.select);
  const auto ignore = split_commas(o.ignore);
  std::vector<const rules::Rule*> out;
  for (const auto* r : all) {
    if (rule_selected(*r, select, o.enable, ignore)) out.push_back(r);
  }
  return out;
}

// Standard output, or `path` opened into `file`; nullptr (after saying why) when it cannot be.
std::ostream* open_output(const std::string& path, std::ofstream& file) {
  if (path.empty()) return &std::cout;
  file.open(path, std::ios::binary);
  if (!file) {
    std::cerr << "infralint: cannot write " << path << "\n";
    return nullptr;
  }
  return &file;
}

void add_rule_options(CLI::App* cmd, RuleOptions& o) {
  cmd->add_option("--rules", o.dirs,
                  "Also load the rules (YAML, Checkov-compatible) in this folder (repeatable)");
  cmd->add_option("--select", o.select, "Run only these rules or review sections (e.g. IL201,2.1)");
  cmd->add_option("--ignore", o.ignore, "Skip these rules or review sections");
}

// Keeps only what concerns the named paths (files, or folders and what is under them).
void restrict_to(const Graph& g, const std::vector<std::string>& named, rules::Results& results) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::canonical(g.root, ec);
  std::vector<std::string> prefixes;
  for (const auto& p : named) {
    const fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
    std::string rel = c.lexically_relative(root).generic_string();
    if (rel == ".") rel.clear();
    prefixes.push_back(rel);
  }
  auto keep_file = [&](uint32_t file) {
    if (file >= g.files.size()) return false;
    const std::string& path = g.files[file].path;
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
      return p.empty() || path == p || path.rfind(p + "/", 0) == 0;
    });
  };
  auto& f = results.findings;
  f.erase(std::remove_if(f.begin(), f.end(), [&](const auto& x) { return !keep_file(x.file); }),
          f.end());
  for (auto* list : {&results.passed, &results.unknown}) {
    list->erase(
        std::remove_if(list->begin(), list->end(),
                       [&](const auto& v) { return !keep_file(g.resources[v.resource].file); }),
        list->end());
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
  bool no_inline_suppressions = false;
  std::string config_file;
  std::string baseline_file;
  std::string write_baseline_file;
  CLI::App* scan = app.add_subcommand("scan", "Scan files and folders and report what falls short");
  add_common(scan, scan_opts);
  scan->add_flag("--no-inline-suppressions", no_inline_suppressions,
                 "Ignore every inline suppression (infralint:ignore, annotations, peers' skips): "
                 "the policy owner's view");
  scan->add_option("--baseline", baseline_file,
                   "Report only findings that are not in this baseline; count the fixed ones");
  scan->add_option("--write-baseline", write_baseline_file,
                   "Write today's findings to this baseline file (adopt infralint on an old "
                   "codebase without a wall of findings)");
  scan->add_option("--config", config_file,
                   "The configuration file (default: the nearest .infralint.yaml at or above the "
                   "scan root)");
  scan->add_flag(
      "--fail-on-parse-error", fail_on_parse_error,
      "Exit 1 when a file could not be read or parsed (default: reported, exit code unchanged)");
  RuleOptions scan_rules;
  add_rule_options(scan, scan_rules);
  std::vector<std::string> scan_formats;
  std::string scan_output;
  std::string output_dir;
  std::string color = "auto";
  bool quiet = false;
  bool timestamps = false;
  ReportOptions report_opts;
  std::string fail_on = "info";
  scan->add_option("--format", scan_formats,
                   "NAME[=PATH]: text (default), json, gcc, sarif, junit, github; repeatable");
  scan->add_option("-o,--output", scan_output, "Write the (single) report to this file");
  scan->add_option("--output-dir", output_dir,
                   "Write each format without a path to DIR/infralint.EXT");
  scan->add_option("--color", color,
                   "Colour in text output: auto (a terminal without NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scan->add_flag("-q,--quiet", quiet, "Print only the findings (no source lines, no diagnostics)");
  scan->add_flag("--timestamps", timestamps, "Show the time taken even when not on a terminal");
  scan->add_option("--sarif-srcroot", report_opts.sarif_srcroot,
                   "Absolute URI of the scan root for SARIF");
  std::vector<std::string> context_dirs;
  scan->add_option(
      "--context", context_dirs,
      "Also load DIR as context (other files' facts), but report only on the named paths");
  scan->add_option("--docs-url", report_opts.docs_base_url,
                   "Base URL of the rule reference (docs/rules.md)");
  scan->add_option("--fail-on", fail_on,
                   "Exit 1 on findings of this severity or higher (default: info, any)")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "never"}));

  CommonOptions graph_opts;
  std::string graph_format = "json";
  std::string graph_output;
  CLI::App* graph = app.add_subcommand("graph", "Print the resource graph");
  add_common(graph, graph_opts);
  graph->add_option("--format", graph_format, "json or dot")->check(CLI::IsMember({"json", "dot"}));
  graph->add_option("-o,--output", graph_output, "Write to this file instead of standard output");

  CLI::App* rules_cmd = app.add_subcommand("rules", "List the rules, or explain one");
  std::string rules_format = "text";
  RuleOptions list_rules;
  rules_cmd->add_option("--format", rules_format, "text, json or markdown (docs/rules.md)")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  add_rule_options(rules_cmd, list_rules);
  std::string explain_id;
  CLI::App* explain =
      rules_cmd->add_subcommand("explain", "Describe one rule: what, why, how to fix, an example");
  explain->add_option("id", explain_id, "The rule id")->required();
  CLI::App* version = app.add_subcommand("version", "Print the version");
  CLI::App* report_cmd = app.add_subcommand(
      "report", "The audit report of a scan (--format json=SCAN.json), against a previous one");
  std::string report_scan, report_previous, report_format = "html", report_output;
  report_cmd->add_option("scan", report_scan, "A scan's JSON report")->required();
  report_cmd->add_option("--previous", report_previous, "The previous quarter's scan JSON");
  report_cmd->add_option("--format", report_format, "html or markdown")
      ->check(CLI::IsMember({"html", "markdown"}));
  report_cmd->add_option("-o,--output", report_output, "Write to this file (default: stdout)");
  CLI::App* lsp_cmd =
      app.add_subcommand("lsp", "Run the language server over stdio (docs/editors.md)");
  lsp::ServerOptions lsp_opts;
  lsp_opts.docs_base_url = ReportOptions{}.docs_base_url;
  lsp_cmd->add_option("--docs-url", lsp_opts.docs_base_url, "Base URL of docs/rules.md");
  bool lsp_stdio = true;
  lsp_cmd->add_flag("--stdio", lsp_stdio,
                    "Talk over stdin and stdout (the default; editors pass it)");
  CLI::App* init = app.add_subcommand("init", "Write a commented default .infralint.yaml here");
  bool init_force = false;
  init->add_flag("--force", init_force, "Overwrite an existing .infralint.yaml");

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
  if (lsp_cmd->parsed()) return lsp::serve(0, 1, lsp_opts);
  if (report_cmd->parsed()) {
    auto read = [](const std::string& path) -> std::optional<nlohmann::json> {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << "infralint: cannot read " << path << "\n";
        return std::nullopt;
      }
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (auto error = check_scan_json(j)) {
        std::cerr << "infralint: " << path << ": " << *error << "\n";
        return std::nullopt;
      }
      return j;
    };
    const auto scan_json = read(report_scan);
    if (!scan_json) return kExitUsage;
    std::optional<nlohmann::json> previous;
    if (!report_previous.empty()) {
      previous = read(report_previous);
      if (!previous) return kExitUsage;
    }
    std::ofstream file;
    std::ostream* out = open_output(report_output, file);
    if (!out) return kExitUsage;
    const nlohmann::json* prev = previous ? &*previous : nullptr;
    if (report_format == "markdown") {
      write_audit_markdown(*scan_json, prev, *out);
    } else {
      write_audit_html(*scan_json, prev, *out);
    }
    return kExitClean;
  }
  if (init->parsed()) {
    std::error_code ec;
    if (std::filesystem::exists(".infralint.yaml", ec) && !init_force) {
      std::cerr << "infralint: .infralint.yaml exists (--force overwrites it)\n";
      return kExitUsage;
    }
    std::ofstream out(".infralint.yaml", std::ios::binary);
    out << default_config_text();
    if (!out) {
      std::cerr << "infralint: cannot write .infralint.yaml\n";
      return kExitUsage;
    }
    std::cout << "wrote .infralint.yaml\n";
    return kExitClean;
  }
  if (rules_cmd->parsed()) {
    std::vector<rules::Rule> user;
    if (!explain->parsed()) list_rules.select = {};
    auto selected = select_rules(list_rules, rules::builtin_rules(), user, std::cerr);
    if (!selected) return kExitUsage;
    std::vector<const rules::Rule*> every;
    for (const auto& r : rules::builtin_rules()) every.push_back(&r);
    for (const auto& r : user) every.push_back(&r);
    if (explain->parsed()) {
      for (const auto* r : every) {
        if (r->id != explain_id) continue;
        std::cout << r->id << " " << r->name
                  << "\n\nseverity: " << rules::severity_name(r->severity)
                  << "   section: " << r->section << "\n\n"
                  << r->description << "\n\nHow to fix: " << r->remediation << "\n";
        if (r->examples.is_object()) {
          if (r->examples.contains("fail"))
            std::cout << "\nFails:\n" << rules::example_text(*r, "fail");
          if (r->examples.contains("pass"))
            std::cout << "\nPasses:\n" << rules::example_text(*r, "pass");
        }
        return kExitClean;
      }
      std::cerr << "infralint: no rule " << explain_id << "\n";
      return kExitUsage;
    }
    if (rules_format == "markdown") {
      write_rules_markdown(every, std::cout);
    } else if (rules_format == "json") {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (const auto* r : every) a.push_back(rule_to_json(*r));
      std::cout << a.dump(1) << "\n";
    } else {
      for (const auto* r : every) {
        std::printf("%-7s %-8s %-7s %s\n", r->id.c_str(),
                    std::string(rules::severity_name(r->severity)).c_str(), r->section.c_str(),
                    r->name.c_str());
      }
    }
    return kExitClean;
  }
  if (graph->parsed()) {
    LoadResult r = run_load(graph_opts);
    if (r.usage_error) {
      print_diagnostics(r.graph, std::cerr);
      return kExitUsage;
    }
    std::ofstream file;
    std::ostream* out = open_output(graph_output, file);
    if (!out) return kExitUsage;
    if (graph_format == "dot") {
      write_graph_dot(r.graph, *out);
    } else {
      write_graph_json(r.graph, *out);
    }
    return kExitClean;
  }
  // scan
  const auto start = std::chrono::steady_clock::now();
  Config config;
  {
    const std::string path =
        !config_file.empty() ? config_file : find_config(scan_root(scan_opts.paths));
    if (!path.empty()) {
      std::vector<ConfigError> errors;
      auto loaded = load_config(path, errors);
      for (const auto& e : errors) {
        std::cerr << e.file;
        if (e.at.line) std::cerr << ":" << e.at.line << ":" << e.at.column;
        std::cerr << ": error: " << e.message << "\n";
      }
      if (!loaded) return kExitUsage;
      config = std::move(*loaded);
    }
  }
  for (const auto& e : config.exclude) scan_opts.excludes.push_back(e);
  for (const auto& d : config.rule_folders)
    scan_rules.dirs.push_back((std::filesystem::path(config.path).parent_path() / d).string());
  if (scan_rules.select.empty()) scan_rules.select = config.select;
  for (const auto& d : config.disable) scan_rules.ignore.push_back(d);
  scan_rules.enable = config.enable;
  if (!scan->count("--fail-on") && config.fail_on) fail_on = *config.fail_on;
  Progress progress;
  // --context: the named paths are judged with the context folders' facts, and only they are
  // reported (DECISIONS.md 7).
  const std::vector<std::string> named = scan_opts.paths;
  for (const auto& d : context_dirs) scan_opts.paths.push_back(d);
  LoadResult r = run_load(scan_opts);
  if (r.usage_error) {
    progress.stop();
    print_diagnostics(r.graph, std::cerr);
    return kExitUsage;
  }
  // Only the built-in rules that can judge something in this graph are instantiated.
  const std::vector<rules::Rule> builtins = configured_builtins(config, &r.graph);
  r.graph.environment_paths = config.environments;
  std::vector<rules::Rule> user_rules;
  auto selected = select_rules(scan_rules, builtins, user_rules, std::cerr);
  if (!selected) return kExitUsage;
  ScanReport report;
  report.graph = &r.graph;
  report.rules = *selected;
  report.results = rules::evaluate(r.graph, report.rules, scan_opts.jobs);
  if (!context_dirs.empty()) restrict_to(r.graph, named, report.results);
  SuppressOptions suppress = suppress_options(config);
  suppress.inline_comments &= !no_inline_suppressions;
  apply_suppressions(r.graph, report.results.findings, report.rules, suppress);
  sort_findings(r.graph, report.results.findings);
  if (!baseline_file.empty()) {
    std::ifstream in(baseline_file, std::ios::binary);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (auto error = apply_baseline(j, baseline_file, report)) {
      std::cerr << "infralint: " << *error << "\n";
      return kExitUsage;
    }
  }
  if (!write_baseline_file.empty()) {
    std::ofstream out(write_baseline_file, std::ios::binary);
    out << baseline_to_json(report).dump(1) << "\n";
    if (!out) {
      std::cerr << "infralint: cannot write " << write_baseline_file << "\n";
      return kExitUsage;
    }
  }

  progress.stop();
  const bool tty = isatty(STDOUT_FILENO);
  report_opts.quiet = quiet;
  report_opts.color = color == "always" || (color == "auto" && tty && !std::getenv("NO_COLOR"));
  if (tty || timestamps) {
    report_opts.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
  }
  if (scan_formats.empty()) scan_formats.push_back("text");
  static const std::map<std::string, std::string> kExtensions = {
      {"text", "txt"},    {"json", "json"},       {"gcc", "gcc.txt"},
      {"sarif", "sarif"}, {"junit", "junit.xml"}, {"github", "github.txt"}};
  for (const auto& spec : scan_formats) {
    const size_t eq = spec.find('=');
    const std::string name = spec.substr(0, eq);
    std::string path = eq == std::string::npos ? "" : spec.substr(eq + 1);
    if (!kExtensions.count(name)) {
      std::cerr << "infralint: unknown format " << name
                << " (text, json, gcc, sarif, junit, github)\n";
      return kExitUsage;
    }
    if (path.empty() && scan_formats.size() == 1) path = scan_output;
    if (path.empty() && !output_dir.empty())
      path = output_dir + "/infralint." + kExtensions.at(name);
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!path.empty() && path != "-") {
      file.open(path, std::ios::binary);
      if (!file) {
        std::cerr << "infralint: cannot write " << path << "\n";
        return kExitUsage;
      }
      out = &file;
    }
    ReportOptions o = report_opts;
    if (out != &std::cout) o.color = false;
    if (name == "json") {
      *out << scan_to_json(report).dump(1) << "\n";
    } else if (name == "gcc") {
      write_gcc(report, *out);
    } else if (name == "sarif") {
      write_sarif(report, o, *out);
    } else if (name == "junit") {
      write_junit(report, *out);
    } else if (name == "github") {
      write_github(report, *out);
    } else {
      write_text(report, o, *out);
    }
  }
  bool failed = fail_on_parse_error && has_error(r.graph);
  if (fail_on != "never") {
    const auto threshold = rules::parse_severity(fail_on);
    for (const auto& f : report.results.findings)
      failed |= !f.suppressed() && f.rule->severity <= *threshold;
  }
  return failed ? kExitFindings : kExitClean;
}
