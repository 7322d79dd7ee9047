// GitHub Actions workflow commands: ::error file=...,line=...::message (DECISIONS.md 23).
#include "reporters/report.hpp"

namespace infralint {

namespace {

// The runner decodes %25 last, so '%' is encoded first.
std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view command_of(rules::RuleSeverity s) {
  const auto level = level_of(s);
  return level == "note" ? "notice" : level;
}

}  // namespace

void write_github(const ScanReport& report, std::ostream& out) {
  const Graph& g = *report.graph;
  for (const auto& d : g.diagnostics) {
    if (d.severity == Severity::Info || d.path.empty()) continue;
    out << "::" << (d.severity == Severity::Error ? "error" : "warning")
        << " file=" << escape_property(d.path) << ",line=" << d.start.line
        << ",col=" << d.start.column << ",title=" << escape_property("infralint: parse")
        << "::" << escape_data(d.message) << "\n";
  }
  for (const auto& f : report.results.findings) {
    if (f.suppressed()) continue;  // accepted: only JSON and SARIF show them
    const Position a = g.position(f.file, f.span.begin);
    const Position b = g.position(f.file, f.span.end);
    out << "::" << command_of(f.rule->severity)
        << " file=" << escape_property(f.file < g.files.size() ? g.files[f.file].path : "")
        << ",line=" << a.line << ",endLine=" << b.line;
    // Columns only on a one-line range: the runner drops them otherwise.
    if (a.line == b.line)
      out << ",col=" << a.column << ",endColumn=" << std::max(a.column, b.column);
    out << ",title=" << escape_property(f.rule->id + " " + f.rule->name) << "::"
        << escape_data("[" + std::string(rules::severity_name(f.rule->severity)) + "] " + f.message)
        << "\n";
  }
}

}  // namespace infralint
