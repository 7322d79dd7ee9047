#include "reporters/scan_report.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace infralint {

using json = nlohmann::ordered_json;

void sort_findings(const Graph& g, std::vector<rules::Finding>& findings) {
  auto key = [&](const rules::Finding& f) {
    const std::string& path = f.file < g.files.size() ? g.files[f.file].path : std::string();
    return std::make_tuple(path, f.span.begin, f.rule->id, g.resources[f.resource].address, f.facet,
                           f.fingerprint);
  };
  std::stable_sort(findings.begin(), findings.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
}

json rule_to_json(const rules::Rule& r) {
  json j = json::object();
  j["id"] = r.id;
  j["name"] = r.name;
  j["severity"] = rules::severity_name(r.severity);
  j["section"] = r.section;
  j["category"] = r.category;
  j["formats"] = r.formats;
  j["tags"] = r.tags;
  json peers = json::object();
  for (const auto& [tool, ids] : r.peer_ids) peers[tool] = ids;
  j["peer_ids"] = std::move(peers);
  j["facet"] = r.facet.empty() ? json(nullptr) : json(r.facet);
  j["enabled_by_default"] = r.enabled_by_default;
  j["source"] = r.source;
  return j;
}

json scan_to_json(const ScanReport& report) {
  const Graph& g = *report.graph;
  json out = json::object();
  out["schema_version"] = 1;
  json findings = json::array();
  size_t suppressed = 0;
  std::map<std::string, size_t> by_severity;
  std::set<std::string> sections;
  for (const auto& f : report.results.findings) {
    json j = json::object();
    const Position a = g.position(f.file, f.span.begin);
    const Position b = g.position(f.file, f.span.end);
    j["rule_id"] = f.rule->id;
    j["severity"] = rules::severity_name(f.rule->severity);
    j["section"] = f.rule->section;
    j["resource"] = g.resources[f.resource].address;
    if (!f.facet.empty()) j["facet"] = f.facet;
    j["file"] = f.file < g.files.size() ? json(g.files[f.file].path) : json(nullptr);
    j["start_line"] = a.line;
    j["start_column"] = a.column;
    j["end_line"] = b.line;
    j["end_column"] = b.column;
    j["message"] = f.message;
    j["attribute"] = f.path;
    j["fingerprint"] = f.fingerprint;
    j["suppressed"] = f.suppressed();
    if (f.suppression) {
      json s = json::object();
      s["kind"] = f.suppression->kind;
      s["reason"] = f.suppression->reason;
      s["until"] = f.suppression->until.empty() ? json(nullptr) : json(f.suppression->until);
      s["expired"] = f.suppression->expired;
      j["suppression"] = std::move(s);
    } else {
      j["suppression"] = nullptr;
    }
    findings.push_back(std::move(j));
    if (f.suppressed()) {
      ++suppressed;
      continue;
    }
    ++by_severity[std::string(rules::severity_name(f.rule->severity))];
    sections.insert(f.rule->section);
  }
  out["findings"] = std::move(findings);
  auto verdicts = [&](const std::vector<rules::Verdict>& vs) {
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    for (const auto& v : vs)
      rows.emplace_back(v.rule->id, g.resources[v.resource].address, v.facet);
    std::sort(rows.begin(), rows.end());
    json a = json::array();
    for (const auto& [rule, resource, facet] : rows) {
      json j = json::object();
      j["rule_id"] = rule;
      j["resource"] = resource;
      if (!facet.empty()) j["facet"] = facet;
      a.push_back(std::move(j));
    }
    return a;
  };
  out["passed"] = verdicts(report.results.passed);
  out["unknown"] = verdicts(report.results.unknown);
  json diags = json::array();
  for (const auto& d : g.diagnostics) {
    json j = json::object();
    j["severity"] = severity_name(d.severity);
    j["file"] = d.path;
    j["line"] = d.start.line;
    j["column"] = d.start.column;
    j["message"] = d.message;
    diags.push_back(std::move(j));
  }
  out["diagnostics"] = std::move(diags);
  json rules = json::array();
  for (const auto* r : report.rules) rules.push_back(rule_to_json(*r));
  out["rules"] = std::move(rules);
  size_t files = 0;
  for (const auto& f : g.files) files += f.source != nullptr;
  json summary = json::object();
  summary["files"] = files;
  summary["resources"] = g.resources.size();
  summary["rules"] = report.rules.size();
  summary["findings"] = report.results.findings.size() - suppressed;
  summary["suppressed"] = suppressed;
  if (report.baseline) {
    json b = json::object();
    b["file"] = report.baseline->file;
    b["matched"] = report.baseline->matched;
    b["fixed"] = report.baseline->fixed;
    summary["baseline"] = std::move(b);
  }
  summary["passed"] = report.results.passed.size();
  summary["unknown"] = report.results.unknown.size();
  json sev = json::object();
  for (const char* s : {"critical", "high", "medium", "low", "info"}) sev[s] = by_severity[s];
  summary["by_severity"] = std::move(sev);
  summary["sections"] = std::vector<std::string>(sections.begin(), sections.end());
  const size_t judged = report.results.passed.size() + report.results.findings.size();
  summary["compliance"] = judged == 0
                              ? json(nullptr)
                              : json(static_cast<double>(report.results.passed.size()) / judged);
  out["summary"] = std::move(summary);
  return out;
}

json baseline_to_json(const ScanReport& report) {
  const Graph& g = *report.graph;
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows;
  for (const auto& f : report.results.findings) {
    if (f.suppressed() && f.suppression->kind != "baseline") continue;  // accepted elsewhere
    rows.emplace_back(f.fingerprint, f.rule->id, g.resources[f.resource].address,
                      f.file < g.files.size() ? g.files[f.file].path : "");
  }
  std::sort(rows.begin(), rows.end());
  json out = json::object();
  out["infralint_baseline"] = 1;
  json a = json::array();
  for (const auto& [fp, rule, resource, file] : rows) {
    json j = json::object();
    j["fingerprint"] = fp;
    j["rule_id"] = rule;
    j["resource"] = resource;
    j["file"] = file;
    a.push_back(std::move(j));
  }
  out["findings"] = std::move(a);
  return out;
}

std::optional<std::string> apply_baseline(const nlohmann::json& baseline, const std::string& file,
                                          ScanReport& report) {
  if (!baseline.is_object() || !baseline.contains("infralint_baseline") ||
      !baseline.contains("findings") || !baseline["findings"].is_array()) {
    return file + " is not an infralint baseline (write one with --write-baseline)";
  }
  std::multiset<std::string> known;
  for (const auto& e : baseline["findings"]) {
    if (e.is_object() && e.contains("fingerprint") && e["fingerprint"].is_string())
      known.insert(e["fingerprint"].get<std::string>());
  }
  BaselineStats stats;
  stats.file = file;
  for (auto& f : report.results.findings) {
    auto it = known.find(f.fingerprint);
    if (it == known.end()) continue;
    known.erase(it);
    if (f.suppressed()) continue;  // accepted on its own record
    f.suppression = rules::Suppression{"baseline", "in the baseline " + file, "", false};
    ++stats.matched;
  }
  stats.fixed = known.size();
  report.baseline = stats;
  return std::nullopt;
}

}  // namespace infralint
