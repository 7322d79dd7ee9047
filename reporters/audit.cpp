#include "reporters/audit.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include "engine/rules/sections.hpp"
#include "reporters/report.hpp"

namespace infralint {

namespace {

using json = nlohmann::json;

// Compliance: passed / (passed + failed), none when nothing was judged.
std::optional<double> ratio(size_t passed, size_t failed) {
  if (passed + failed == 0) return std::nullopt;
  return static_cast<double>(passed) / static_cast<double>(passed + failed);
}

struct Section {
  std::string id;
  std::string title;
  std::vector<std::string> rules;
  size_t resources = 0, passed = 0, failed = 0, unknown = 0;
  std::optional<double> previous;  // compliance in the previous scan
  std::vector<const json*> findings;
  std::optional<double> compliance() const { return ratio(passed, failed); }
};

struct Audit {
  std::vector<Section> sections;
  size_t passed = 0, failed = 0, unknown = 0;
  std::optional<double> previous_overall;
  std::vector<const json*> added, fixed, accepted;
  std::optional<double> overall() const { return ratio(passed, failed); }
};

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

using Pair = std::tuple<std::string, std::string, std::string>;  // rule, resource, facet
Pair pair_of(const json& j) {
  return {str(j, "rule_id"), str(j, "resource"), str(j, "facet")};
}

// Per-section counts of one scan.
struct Counts {
  std::map<std::string, std::set<Pair>> passed, failed, unknown;  // section -> pairs
};

Counts count(const json& scan) {
  std::map<std::string, std::string> section_of;
  for (const auto& r : scan["rules"]) section_of[str(r, "id")] = str(r, "section");
  Counts c;
  auto add = [&](const char* key, std::map<std::string, std::set<Pair>>& into) {
    for (const auto& v : scan[key]) into[section_of[str(v, "rule_id")]].insert(pair_of(v));
  };
  add("findings", c.failed);  // an accepted risk is still a failed check
  add("passed", c.passed);
  add("unknown", c.unknown);
  return c;
}

Audit build(const json& scan, const json* previous) {
  Audit a;
  const Counts now = count(scan);
  std::optional<Counts> before;
  if (previous) before = count(*previous);
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& s : rules::review_sections())
    order.emplace_back(std::string(s.id), std::string(s.title));
  std::set<std::string> known;
  for (const auto& [id, title] : order) known.insert(id);
  for (const auto& r : scan["rules"]) {
    const std::string s = str(r, "section");
    if (known.insert(s).second) order.emplace_back(s, "Custom rules");
  }
  for (const auto& [id, title] : order) {
    Section s;
    s.id = id;
    s.title = title;
    for (const auto& r : scan["rules"]) {
      if (str(r, "section") == id) s.rules.push_back(str(r, "id"));
    }
    if (s.rules.empty()) continue;
    // The number of (rule, resource) pairs of this section in one of a scan's verdict lists.
    auto size = [&](const std::map<std::string, std::set<Pair>>& m) {
      auto it = m.find(id);
      return it == m.end() ? size_t{0} : it->second.size();
    };
    s.passed = size(now.passed);
    s.failed = size(now.failed);
    s.unknown = size(now.unknown);
    std::set<std::string> resources;
    for (const auto* m : {&now.passed, &now.failed, &now.unknown}) {
      auto it = m->find(id);
      if (it == m->end()) continue;
      for (const auto& p : it->second) resources.insert(std::get<1>(p));
    }
    s.resources = resources.size();
    if (before) s.previous = ratio(size(before->passed), size(before->failed));
    for (const auto& f : scan["findings"]) {
      if (str(f, "section") == id) s.findings.push_back(&f);
    }
    a.passed += s.passed;
    a.failed += s.failed;
    a.unknown += s.unknown;
    a.sections.push_back(std::move(s));
  }
  std::set<std::string> current_fp, previous_fp;
  for (const auto& f : scan["findings"]) current_fp.insert(str(f, "fingerprint"));
  if (previous) {
    size_t p = 0, f = 0;
    for (const auto& [sec, pairs] : before->passed) p += pairs.size();
    for (const auto& [sec, pairs] : before->failed) f += pairs.size();
    a.previous_overall = ratio(p, f);
    for (const auto& x : (*previous)["findings"]) {
      previous_fp.insert(str(x, "fingerprint"));
      if (!current_fp.count(str(x, "fingerprint"))) a.fixed.push_back(&x);
    }
    for (const auto& x : scan["findings"]) {
      if (!previous_fp.count(str(x, "fingerprint"))) a.added.push_back(&x);
    }
  }
  for (const auto& x : scan["findings"]) {
    if (x.contains("suppression") && x["suppression"].is_object()) a.accepted.push_back(&x);
  }
  return a;
}

std::string percent(std::optional<double> v) {
  if (!v) return "—";
  return std::to_string(static_cast<int>(std::lround(*v * 100))) + "%";
}

std::string change(std::optional<double> now, std::optional<double> before) {
  if (!now || !before) return "—";
  const long d = std::lround(*now * 100) - std::lround(*before * 100);
  return (d > 0 ? "+" : "") + std::to_string(d) + " points";
}

std::string where(const json& f) {
  return str(f, "file") + ":" +
         (f.contains("start_line") ? std::to_string(f["start_line"].get<long>()) : "?");
}

std::string md(std::string s) {  // no pipes (table cells), line breaks or raw HTML
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string html(const std::string& s) {
  return xml_escape(s);
}

std::string accepted_status(const json& f) {
  const json& s = f["suppression"];
  if (s.value("expired", false)) return "expired";
  return "accepted";
}

}  // namespace

std::optional<std::string> check_scan_json(const json& scan) {
  if (!scan.is_object() || !scan.contains("schema_version") || !scan.contains("findings") ||
      !scan.contains("passed") || !scan.contains("unknown") || !scan.contains("rules")) {
    return "not a scan JSON (write one with infralint scan --format json=FILE)";
  }
  return std::nullopt;
}

void write_audit_markdown(const json& scan, const json* previous, std::ostream& out) {
  const Audit a = build(scan, previous);
  out << "# Infrastructure compliance report\n\n"
      << "Overall compliance: **" << percent(a.overall()) << "** (" << a.passed << " passed, "
      << a.failed << " failed of the (rule, resource) checks; " << a.unknown
      << " could not be judged).";
  if (previous) {
    out << " Previous scan: " << percent(a.previous_overall) << " ("
        << change(a.overall(), a.previous_overall) << ").";
  }
  out << "\n\n| section | recommendation | rules | resources | passed | failed | unknown | "
         "compliance |"
      << (previous ? " previous |" : "")
      << "\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |" << (previous ? " ---: |" : "")
      << "\n";
  for (const auto& s : a.sections) {
    std::string rules;
    for (const auto& r : s.rules) rules += (rules.empty() ? "" : ", ") + r;
    out << "| " << s.id << " | " << md(s.title) << " | " << rules << " | " << s.resources << " | "
        << s.passed << " | " << s.failed << " | " << s.unknown << " | " << percent(s.compliance())
        << " |";
    if (previous) out << " " << percent(s.previous) << " |";
    out << "\n";
  }
  if (previous) {
    out << "\n## Since the previous scan\n\n### New findings (" << a.added.size() << ")\n\n";
    for (const auto* f : a.added)
      out << "- `" << md(where(*f)) << "` **" << str(*f, "rule_id") << "** "
          << md(str(*f, "message")) << "\n";
    if (a.added.empty()) out << "None.\n";
    out << "\n### Fixed (" << a.fixed.size() << ")\n\n";
    for (const auto* f : a.fixed)
      out << "- `" << md(where(*f)) << "` **" << str(*f, "rule_id") << "** "
          << md(str(*f, "message")) << "\n";
    if (a.fixed.empty()) out << "None.\n";
  }
  out << "\n## Accepted risks (" << a.accepted.size() << ")\n\n";
  if (a.accepted.empty()) {
    out << "None.\n";
  } else {
    out << "| rule | where | kind | reason | until | status |\n| --- | --- | --- | --- | --- | --- "
           "|\n";
    for (const auto* f : a.accepted) {
      const json& s = (*f)["suppression"];
      out << "| " << str(*f, "rule_id") << " | `" << md(where(*f)) << "` | " << str(s, "kind")
          << " | " << md(str(s, "reason")) << " | "
          << (str(s, "until").empty() ? "—" : str(s, "until")) << " | "
          << (accepted_status(*f) == "expired" ? "**expired**" : "accepted") << " |\n";
    }
  }
  out << "\n## Findings by section\n";
  for (const auto& s : a.sections) {
    if (s.findings.empty()) continue;
    out << "\n### " << s.id << " " << md(s.title) << "\n\n";
    for (const auto* f : s.findings) {
      out << "- `" << md(where(*f)) << "` **" << str(*f, "rule_id") << "** (" << str(*f, "severity")
          << ") " << md(str(*f, "message"));
      if ((*f).value("suppressed", false)) out << " — accepted";
      out << "\n";
    }
  }
}

void write_audit_html(const json& scan, const json* previous, std::ostream& out) {
  const Audit a = build(scan, previous);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>Infrastructure compliance report</title>\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n"
      << "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;"
         "max-width:1100px;margin:2rem auto;padding:0 1.5rem}\n"
         "h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid "
         "#d0d7de;"
         "padding-bottom:.3rem}\n"
         ".score{font-size:2.6rem;font-weight:700}.muted{color:#57606a}\n"
         "table{border-collapse:collapse;width:100%;margin:.8rem 0}th,td{border:1px solid #d0d7de;"
         "padding:.35rem .55rem;text-align:left;vertical-align:top}th{background:#f6f8fa}\n"
         "td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em}\n"
         ".expired{color:#b42318;font-weight:600}.new{color:#b42318}.fixed{color:#1a7f37}\n"
         "svg text{font:12px system-ui,sans-serif;fill:#1b1f24}\n"
         ".bar{fill:#2da44e}.bar.low{fill:#d1242f}.bar.mid{fill:#bf8700}.track{fill:#eaeef2}"
         ".prev{stroke:#1b1f24;stroke-width:2}\n"
         "@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}"
         "table,svg{break-inside:avoid}}\n"
      << "</style>\n</head>\n<body>\n<h1>Infrastructure compliance report</h1>\n"
      << "<p class=\"muted\">Compliance = passed / (passed + failed) over every (rule, resource) "
         "check; checks that could not be judged are left out.</p>\n"
      << "<p><span class=\"score\" id=\"overall\">" << percent(a.overall())
      << "</span> overall: " << a.passed << " passed, " << a.failed << " failed, " << a.unknown
      << " not judged.";
  if (previous) {
    out << " Previous scan: " << percent(a.previous_overall) << " ("
        << html(change(a.overall(), a.previous_overall)) << ").";
  }
  out << "</p>\n";
  // The chart: one bar per section with a verdict; the previous quarter as a tick.
  std::vector<const Section*> charted;
  for (const auto& s : a.sections) {
    if (s.compliance()) charted.push_back(&s);
  }
  const int row = 26, label = 330, width = 420;
  out << "<svg id=\"chart\" role=\"img\" aria-label=\"Compliance per review section\" width=\""
      << label + width + 70 << "\" height=\"" << row * static_cast<int>(charted.size()) + 30
      << "\" viewBox=\"0 0 " << label + width + 70 << " "
      << row * static_cast<int>(charted.size()) + 30
      << "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  for (size_t i = 0; i < charted.size(); ++i) {
    const Section& s = *charted[i];
    const double c = *s.compliance();
    const int y = static_cast<int>(i) * row;
    const int w = static_cast<int>(std::lround(c * width));
    const std::string cls = c < 0.5 ? "bar low" : c < 0.8 ? "bar mid" : "bar";
    std::string title = s.id + " " + s.title;
    if (title.size() > 48) title = title.substr(0, 46) + "…";
    out << "<text x=\"0\" y=\"" << y + 16 << "\">" << html(title) << "</text>"
        << "<rect class=\"track\" x=\"" << label << "\" y=\"" << y + 4 << "\" width=\"" << width
        << "\" height=\"16\"/><rect class=\"" << cls << "\" x=\"" << label << "\" y=\"" << y + 4
        << "\" width=\"" << w << "\" height=\"16\"><title>" << html(s.id) << ": " << percent(c)
        << "</title></rect>";
    if (s.previous) {
      const int px = label + static_cast<int>(std::lround(*s.previous * width));
      out << "<line class=\"prev\" x1=\"" << px << "\" x2=\"" << px << "\" y1=\"" << y + 1
          << "\" y2=\"" << y + 23 << "\"><title>previous: " << percent(s.previous)
          << "</title></line>";
    }
    out << "<text x=\"" << label + width + 8 << "\" y=\"" << y + 16 << "\">" << percent(c)
        << "</text>\n";
  }
  const int ly = row * static_cast<int>(charted.size()) + 18;
  out << "<text x=\"" << label << "\" y=\"" << ly << "\" class=\"muted\">bar: this scan"
      << (previous ? "; tick: the previous scan" : "") << "</text>\n</svg>\n";
  out << "<h2>Sections</h2>\n<table>\n<tr><th>section</th><th>recommendation</th><th>rules</th>"
         "<th>resources</th><th>passed</th><th>failed</th><th>unknown</th><th>compliance</th>"
      << (previous ? "<th>previous</th>" : "") << "</tr>\n";
  for (const auto& s : a.sections) {
    std::string rules;
    for (const auto& r : s.rules) rules += (rules.empty() ? "" : ", ") + r;
    out << "<tr><td>" << html(s.id) << "</td><td>" << html(s.title) << "</td><td>" << html(rules)
        << "</td><td class=\"num\">" << s.resources << "</td><td class=\"num\">" << s.passed
        << "</td><td class=\"num\">" << s.failed << "</td><td class=\"num\">" << s.unknown
        << "</td><td class=\"num\">" << percent(s.compliance()) << "</td>";
    if (previous) out << "<td class=\"num\">" << percent(s.previous) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
  auto list = [&](const std::vector<const json*>& fs, const char* cls) {
    if (fs.empty()) {
      out << "<p>None.</p>\n";
      return;
    }
    out << "<ul>\n";
    for (const auto* f : fs) {
      out << "<li class=\"" << cls << "\"><code>" << html(where(*f)) << "</code> <strong>"
          << html(str(*f, "rule_id")) << "</strong> " << html(str(*f, "message")) << "</li>\n";
    }
    out << "</ul>\n";
  };
  if (previous) {
    out << "<h2>Since the previous scan</h2>\n<h3>New findings (" << a.added.size() << ")</h3>\n";
    list(a.added, "new");
    out << "<h3>Fixed (" << a.fixed.size() << ")</h3>\n";
    list(a.fixed, "fixed");
  }
  out << "<h2>Accepted risks (" << a.accepted.size() << ")</h2>\n";
  if (a.accepted.empty()) {
    out << "<p>None.</p>\n";
  } else {
    out << "<table>\n<tr><th>rule</th><th>where</th><th>kind</th><th>reason</th><th>until</th>"
           "<th>status</th></tr>\n";
    for (const auto* f : a.accepted) {
      const json& s = (*f)["suppression"];
      const bool expired = accepted_status(*f) == "expired";
      out << "<tr><td>" << html(str(*f, "rule_id")) << "</td><td><code>" << html(where(*f))
          << "</code></td><td>" << html(str(s, "kind")) << "</td><td>" << html(str(s, "reason"))
          << "</td><td>" << html(str(s, "until").empty() ? "—" : str(s, "until")) << "</td><td"
          << (expired ? " class=\"expired\">expired" : ">accepted") << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "<h2>Findings by section</h2>\n";
  for (const auto& s : a.sections) {
    if (s.findings.empty()) continue;
    out << "<h3>" << html(s.id + " " + s.title) << "</h3>\n<ul>\n";
    for (const auto* f : s.findings) {
      out << "<li><code>" << html(where(*f)) << "</code> <strong>" << html(str(*f, "rule_id"))
          << "</strong> (" << html(str(*f, "severity")) << ") " << html(str(*f, "message"))
          << ((*f).value("suppressed", false) ? " <em>accepted</em>" : "") << "</li>\n";
    }
    out << "</ul>\n";
  }
  out << "</body>\n</html>\n";
}

}  // namespace infralint
