// The terminal report: findings grouped by file, each with the offending source line and a
// caret underline (secrets masked), then a summary.
#include <map>
#include <set>

#include "reporters/graph_writer.hpp"
#include "reporters/report.hpp"

namespace infralint {

namespace {

struct Style {
  bool on;
  std::string operator()(const char* code, const std::string& s) const {
    return on ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  }
};

const char* color_of(rules::RuleSeverity s) {
  const auto level = level_of(s);
  return level == "error" ? "1;31" : level == "warning" ? "1;33" : "1;36";
}

// Byte ranges of sensitive values, by file, to mask in snippets.
void sensitive_spans(const Value& v, std::map<uint32_t, std::vector<Span>>& out) {
  if (v.sensitive && v.file != kNoFile && v.span.end > v.span.begin) {
    out[v.file].push_back(v.span);
    return;
  }
  for (const auto& i : v.items) sensitive_spans(i, out);
  for (const auto& e : v.entries) sensitive_spans(e.value, out);
}

std::string display_line(const SourceFile& src, uint32_t line0, const std::vector<Span>& secrets) {
  const uint32_t begin = src.offset_of(line0, 0);
  std::string text(src.line_text(line0));
  for (const auto& s : secrets) {
    if (s.end <= begin || s.begin >= begin + text.size()) continue;
    const size_t from = s.begin > begin ? s.begin - begin : 0;
    const size_t to = std::min<size_t>(text.size(), s.end - begin);
    const std::string masked = mask_secret(text.substr(from, to - from));
    text.replace(
        from, to - from,
        masked + std::string(to - from > masked.size() ? to - from - masked.size() : 0, ' '));
  }
  for (auto& c : text) {
    if (c == '\t') c = ' ';  // a tab is one column, as in every position infralint prints
  }
  return text;
}

}  // namespace

void write_text(const ScanReport& report, const ReportOptions& o, std::ostream& out) {
  const Graph& g = *report.graph;
  const Style style{o.color};
  size_t infos = 0;
  for (const auto& d : g.diagnostics) {
    if (d.severity == Severity::Info) {
      ++infos;
      continue;
    }
    if (o.quiet) continue;
    out << style("1", (d.path.empty() ? "infralint" : d.path) + ":" + std::to_string(d.start.line) +
                          ":" + std::to_string(d.start.column))
        << ": "
        << style(d.severity == Severity::Error ? "1;31" : "1;33",
                 std::string(severity_name(d.severity)))
        << ": " << d.message << "\n";
  }
  // One pass over the graph, and only when there is a snippet to show.
  std::map<uint32_t, std::vector<Span>> secrets;
  if (!o.quiet && !report.results.findings.empty()) {
    for (const auto& r : g.resources) sensitive_spans(r.attributes, secrets);
  }
  const std::vector<Span> none;
  auto secrets_of = [&](uint32_t file) -> const std::vector<Span>& {
    auto it = secrets.find(file);
    return it == secrets.end() ? none : it->second;
  };
  std::string current;
  std::map<std::string, size_t> by_severity;
  std::set<std::string> sections;
  std::set<uint32_t> files_with_findings;
  size_t suppressed = 0;
  for (const auto& f : report.results.findings) {
    if (f.suppressed()) {
      ++suppressed;
      continue;
    }
    const std::string path = f.file < g.files.size() ? g.files[f.file].path : "";
    ++by_severity[std::string(rules::severity_name(f.rule->severity))];
    sections.insert(f.rule->section);
    files_with_findings.insert(f.file);
    if (path != current && !o.quiet) {
      out << (current.empty() ? "" : "\n") << style("1;4", path) << "\n";
      current = path;
    }
    const Position a = g.position(f.file, f.span.begin);
    const Position b = g.position(f.file, f.span.end);
    out << path << ":" << a.line << ":" << a.column << ": "
        << style(color_of(f.rule->severity), std::string(rules::severity_name(f.rule->severity)))
        << " " << style("1", f.rule->id) << " " << f.message << "\n";
    if (o.quiet) continue;
    const SourceFile* src = g.source(f.file);
    if (!src) continue;
    const std::string number = std::to_string(a.line);
    const std::string pad(number.size(), ' ');
    const std::string line = display_line(*src, a.line - 1, secrets_of(f.file));
    const size_t line_cols = [&] {
      size_t n = 0;
      for (unsigned char c : line) n += (c & 0xC0) != 0x80;
      return n;
    }();
    const size_t start = a.column - 1;
    size_t width = b.line == a.line && b.column > a.column ? b.column - a.column
                   : line_cols > start                     ? line_cols - start
                                                           : 1;
    if (width == 0) width = 1;
    out << " " << pad << " |\n";
    out << " " << style("2", number) << " | " << line << "\n";
    out << " " << pad << " | " << std::string(start, ' ')
        << style(color_of(f.rule->severity), std::string(width, '^')) << " "
        << g.resources[f.resource].address << "\n";
  }
  size_t scanned = 0;
  for (const auto& fe : g.files) scanned += fe.source != nullptr;
  const size_t n = report.results.findings.size() - suppressed;
  out << (n ? "\n" : "")
      << style("1", "infralint: " + std::to_string(n) + (n == 1 ? " finding" : " findings"));
  if (n) {
    std::string parts;
    for (const char* s : {"critical", "high", "medium", "low", "info"}) {
      if (!by_severity[s]) continue;
      parts += (parts.empty() ? "" : ", ") + std::to_string(by_severity[s]) + " " + s;
    }
    std::string secs;
    for (const auto& s : sections) secs += (secs.empty() ? "" : ", ") + s;
    out << " (" << parts << ") in " << files_with_findings.size()
        << (files_with_findings.size() == 1 ? " file" : " files") << "; review sections " << secs;
  }
  if (suppressed) out << "; " << suppressed << " suppressed";
  if (report.baseline) {
    out << " (" << report.baseline->matched << " in the baseline, " << report.baseline->fixed
        << " fixed since)";
  }
  out << ". " << report.results.passed.size() << " passed, " << report.results.unknown.size()
      << " unknown; " << scanned << " files, " << g.resources.size() << " resources, "
      << report.rules.size() << " rules";
  if (infos) out << ", " << infos << " notes";
  if (o.elapsed_ms >= 0) out << ", " << o.elapsed_ms << " ms";
  out << ".\n";
}

}  // namespace infralint
