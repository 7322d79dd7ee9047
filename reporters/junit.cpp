// JUnit XML: one testsuite per review section, one testcase per (rule, resource) judged —
// passing ones too, so a CI test view shows compliance, not only failures.
#include <map>
#include <tuple>

#include "reporters/report.hpp"

namespace infralint {

// XML 1.0 text: markup characters escaped; characters XML forbids and invalid UTF-8 become
// U+FFFD, never character references (DECISIONS.md 24).
std::string xml_escape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += "\xEF\xBF\xBD";
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE &&
         cp != 0xFFFF;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

namespace {

std::string xml(std::string_view s) {
  return xml_escape(s);
}

}  // namespace

void write_junit(const ScanReport& report, std::ostream& out) {
  const Graph& g = *report.graph;
  struct Case {
    std::string name;
    std::string classname;
    const rules::Finding* failure = nullptr;
    const rules::Finding* accepted = nullptr;  // a suppressed finding: skipped, with its reason
    bool unknown = false;
  };
  // section -> testcases, in a stable order.
  std::map<std::string, std::map<std::tuple<std::string, std::string, std::string>, Case>> suites;
  auto add = [&](const rules::Rule* r, uint32_t resource, const std::string& facet) -> Case& {
    const std::string& address = g.resources[resource].address;
    Case& c = suites[r->section][{r->id, address, facet}];
    const bool own_name = facet.empty() || facet == g.resources[resource].name;
    c.name = r->id + " " + address + (own_name ? "" : " (" + facet + ")");
    c.classname = "infralint." + r->section + "." + r->id;
    return c;
  };
  for (const auto& v : report.results.passed) add(v.rule, v.resource, v.facet);
  for (const auto& v : report.results.unknown) add(v.rule, v.resource, v.facet).unknown = true;
  for (const auto& f : report.results.findings) {
    Case& c = add(f.rule, f.resource, f.facet);
    if (f.suppressed()) {
      if (!c.accepted) c.accepted = &f;
    } else if (!c.failure) {
      c.failure = &f;
    }
  }
  size_t tests = 0, failures = 0;
  for (const auto& [section, cases] : suites) {
    tests += cases.size();
    for (const auto& [key, c] : cases) failures += c.failure != nullptr;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"infralint\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\">\n";
  for (const auto& [section, cases] : suites) {
    size_t f = 0, s = 0;
    for (const auto& [key, c] : cases) {
      f += c.failure != nullptr;
      s += (c.unknown || c.accepted) && !c.failure;
    }
    out << "  <testsuite name=\"" << xml("review section " + section) << "\" tests=\""
        << cases.size() << "\" failures=\"" << f << "\" errors=\"0\" skipped=\"" << s << "\">\n";
    for (const auto& [key, c] : cases) {
      out << "    <testcase name=\"" << xml(c.name) << "\" classname=\"" << xml(c.classname)
          << "\"";
      if (c.failure) {
        const Position p = g.position(c.failure->file, c.failure->span.begin);
        const std::string where =
            (c.failure->file < g.files.size() ? g.files[c.failure->file].path : "") + ":" +
            std::to_string(p.line) + ":" + std::to_string(p.column);
        out << ">\n      <failure type=\"" << xml(c.failure->rule->id) << "\" message=\""
            << xml(c.failure->message) << "\">"
            << xml(where + ": [" + std::string(rules::severity_name(c.failure->rule->severity)) +
                   "] " + c.failure->message)
            << "</failure>\n    </testcase>\n";
      } else if (c.accepted) {
        out << ">\n      <skipped message=\""
            << xml("accepted (" + c.accepted->suppression->kind +
                   "): " + c.accepted->suppression->reason)
            << "\"/>\n    </testcase>\n";
      } else if (c.unknown) {
        out << ">\n      <skipped message=\"no verdict: a value it needs is unknown\"/>\n    "
               "</testcase>\n";
      } else {
        out << "/>\n";
      }
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace infralint
