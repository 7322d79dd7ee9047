// SARIF 2.1.0 as GitHub code scanning accepts it (DECISIONS.md 21-22).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "reporters/report.hpp"

namespace infralint {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxResults = 5000;

// A relative path as a URI reference: unreserved characters and '/' stay, the rest is
// percent-encoded (spaces, '#', '%', non-ASCII bytes).
std::string uri_of(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const char* security_severity(rules::RuleSeverity s) {
  switch (s) {
    case rules::RuleSeverity::Critical:
      return "9.5";
    case rules::RuleSeverity::High:
      return "8.0";
    case rules::RuleSeverity::Medium:
      return "5.5";
    case rules::RuleSeverity::Low:
      return "3.0";
    default:
      return nullptr;
  }
}

json region(const Graph& g, uint32_t file, Span span) {
  const Position a = g.position(file, span.begin);
  Position b = g.position(file, span.end);
  if (b.line < a.line || (b.line == a.line && b.column < a.column)) b = a;
  json r = json::object();
  r["startLine"] = a.line;
  r["startColumn"] = a.column;
  r["endLine"] = b.line;
  r["endColumn"] = b.column;
  return r;
}

json location(const std::string& path, json reg) {
  json loc = json::object();
  json phys = json::object();
  json art = json::object();
  art["uri"] = uri_of(path);
  art["uriBaseId"] = "SRCROOT";
  phys["artifactLocation"] = std::move(art);
  if (!reg.is_null()) phys["region"] = std::move(reg);
  loc["physicalLocation"] = std::move(phys);
  return loc;
}

json rule_json(const rules::Rule& r, const ReportOptions& o) {
  json j = json::object();
  j["id"] = r.id;
  j["name"] = r.name;
  json s = json::object();
  s["text"] = r.name;
  j["shortDescription"] = s;
  json f = json::object();
  f["text"] = r.description.empty() ? r.name : r.description;
  j["fullDescription"] = f;
  j["helpUri"] = rule_help_uri(o, r);
  std::string text = (r.description.empty() ? r.name : r.description) + "\n\nHow to fix: " +
                     (r.remediation.empty() ? "see the rule's documentation." : r.remediation);
  std::string md = "**" + r.name + "** (review section " + r.section + ")\n\n" +
                   f["text"].get<std::string>() + "\n\n**How to fix:** " +
                   (r.remediation.empty() ? "see the rule's documentation." : r.remediation);
  if (r.examples.is_object() && r.examples.contains("fail") && r.examples.contains("pass")) {
    text += "\n\nFails:\n" + rules::example_text(r, "fail") + "\nPasses:\n" +
            rules::example_text(r, "pass");
    md += "\n\nFails:\n\n```\n" + rules::example_text(r, "fail") + "```\n\nPasses:\n\n```\n" +
          rules::example_text(r, "pass") + "```";
  }
  json help = json::object();
  help["text"] = text;
  help["markdown"] = md;
  j["help"] = help;
  json cfg = json::object();
  cfg["level"] = level_of(r.severity);
  j["defaultConfiguration"] = cfg;
  json props = json::object();
  std::vector<std::string> tags = r.tags;
  tags.push_back("review-section-" + r.section);
  tags.push_back("infralint-" + std::string(rules::severity_name(r.severity)));
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (tags.size() > 10) tags.resize(10);
  props["tags"] = tags;
  props["precision"] = "high";
  const bool security = std::find(r.tags.begin(), r.tags.end(), "security") != r.tags.end();
  if (security && security_severity(r.severity))
    props["security-severity"] = security_severity(r.severity);
  props["section"] = r.section;
  props["severity"] = rules::severity_name(r.severity);
  j["properties"] = props;
  return j;
}

}  // namespace

void write_sarif(const ScanReport& report, const ReportOptions& o, std::ostream& out) {
  const Graph& g = *report.graph;
  json log = json::object();
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  json run = json::object();
  json driver = json::object();
  driver["name"] = "infralint";
  driver["version"] = INFRALINT_GIT_DESCRIBE;
  driver["semanticVersion"] = INFRALINT_VERSION;
  driver["informationUri"] = o.docs_base_url;
  json rules_json = json::array();
  std::map<const rules::Rule*, size_t> index;
  for (const auto* r : report.rules) {
    index[r] = rules_json.size();
    rules_json.push_back(rule_json(*r, o));
  }
  driver["rules"] = std::move(rules_json);
  json tool = json::object();
  tool["driver"] = std::move(driver);
  run["tool"] = std::move(tool);

  json base = json::object();
  json srcroot = json::object();
  if (!o.sarif_srcroot.empty()) {
    std::string uri = o.sarif_srcroot;
    if (uri.back() != '/') uri += '/';
    srcroot["uri"] = uri;
  }
  json desc = json::object();
  desc["text"] = "The folder infralint scanned; every result's path is relative to it.";
  srcroot["description"] = desc;
  base["SRCROOT"] = std::move(srcroot);
  run["originalUriBaseIds"] = std::move(base);
  run["columnKind"] = "unicodeCodePoints";

  // Highest severity first when results must be cut (GitHub keeps the first 5,000).
  std::vector<const rules::Finding*> findings;
  for (const auto& f : report.results.findings) findings.push_back(&f);
  std::stable_sort(findings.begin(), findings.end(), [](const auto* a, const auto* b) {
    return a->rule->severity < b->rule->severity;
  });
  const size_t total = findings.size();
  if (findings.size() > kMaxResults) findings.resize(kMaxResults);
  json results = json::array();
  for (const auto* f : findings) {
    json r = json::object();
    r["ruleId"] = f->rule->id;
    r["ruleIndex"] = index[f->rule];
    r["level"] = level_of(f->rule->severity);
    json msg = json::object();
    msg["text"] = "[" + std::string(rules::severity_name(f->rule->severity)) + "] " + f->message;
    r["message"] = std::move(msg);
    json locs = json::array();
    locs.push_back(location(f->file < g.files.size() ? g.files[f->file].path : "",
                            region(g, f->file, f->span)));
    r["locations"] = std::move(locs);
    json fp = json::object();
    fp["primaryLocationLineHash"] = f->fingerprint;
    r["partialFingerprints"] = std::move(fp);
    json props = json::object();
    props["resource"] = g.resources[f->resource].address;
    props["section"] = f->rule->section;
    props["severity"] = rules::severity_name(f->rule->severity);
    r["properties"] = std::move(props);
    if (f->suppressed()) {
      // GitHub code scanning shows these as dismissed, with the justification.
      json s = json::object();
      s["kind"] = f->suppression->kind == "inline" || f->suppression->kind == "peer" ? "inSource"
                                                                                     : "external";
      s["status"] = "accepted";
      s["justification"] = f->suppression->reason;
      json a = json::array();
      a.push_back(std::move(s));
      r["suppressions"] = std::move(a);
    }
    results.push_back(std::move(r));
  }
  run["results"] = std::move(results);

  json notes = json::array();
  for (const auto& d : g.diagnostics) {
    if (d.severity == Severity::Info) continue;
    json n = json::object();
    n["level"] = d.severity == Severity::Error ? "error" : "warning";
    json m = json::object();
    m["text"] = d.message;
    n["message"] = std::move(m);
    if (!d.path.empty()) {
      json reg = json::object();
      reg["startLine"] = d.start.line;
      reg["startColumn"] = d.start.column;
      json locs = json::array();
      locs.push_back(location(d.path, std::move(reg)));
      n["locations"] = std::move(locs);
    }
    notes.push_back(std::move(n));
  }
  if (total > findings.size()) {
    json n = json::object();
    n["level"] = "warning";
    json m = json::object();
    m["text"] = std::to_string(total - findings.size()) + " of " + std::to_string(total) +
                " results were left out: code scanning keeps at most " +
                std::to_string(kMaxResults) + " per run (the most severe are kept)";
    n["message"] = std::move(m);
    notes.push_back(std::move(n));
  }
  json inv = json::object();
  inv["executionSuccessful"] = true;
  inv["toolExecutionNotifications"] = std::move(notes);
  json invocations = json::array();
  invocations.push_back(std::move(inv));
  run["invocations"] = std::move(invocations);
  json runs = json::array();
  runs.push_back(std::move(run));
  log["runs"] = std::move(runs);
  out << log.dump(2) << "\n";
}

}  // namespace infralint
