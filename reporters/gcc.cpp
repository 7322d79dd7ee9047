// file:line:col: severity: message [RULE-ID] — one a line, for editors' problem matchers.
#include "engine/text.hpp"
#include "reporters/report.hpp"

namespace infralint {

std::string_view level_of(rules::RuleSeverity s) {
  switch (s) {
    case rules::RuleSeverity::Critical:
    case rules::RuleSeverity::High:
      return "error";
    case rules::RuleSeverity::Medium:
      return "warning";
    default:
      return "note";
  }
}

std::string rule_help_uri(const ReportOptions& o, const rules::Rule& r) {
  return o.docs_base_url + "#" + ascii_lower(r.id);
}

void write_gcc(const ScanReport& report, std::ostream& out) {
  const Graph& g = *report.graph;
  for (const auto& d : g.diagnostics) {
    if (d.severity == Severity::Info) continue;
    out << (d.path.empty() ? "infralint" : d.path) << ":" << d.start.line << ":" << d.start.column
        << ": " << (d.severity == Severity::Error ? "error" : "warning") << ": " << d.message
        << " [parse]\n";
  }
  for (const auto& f : report.results.findings) {
    if (f.suppressed()) continue;  // accepted: only JSON and SARIF show them
    const Position p = g.position(f.file, f.span.begin);
    out << (f.file < g.files.size() ? g.files[f.file].path : "") << ":" << p.line << ":" << p.column
        << ": " << level_of(f.rule->severity) << ": " << f.message << " [" << f.rule->id << "]\n";
  }
}

}  // namespace infralint
