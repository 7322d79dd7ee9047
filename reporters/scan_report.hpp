// The scan's results (the data every report format writes) and their JSON form
// (docs/scan-json.schema.json).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/graph.hpp"
#include "engine/rules/evaluate.hpp"

namespace infralint {

// A baseline's effect on this scan (--baseline FILE).
struct BaselineStats {
  std::string file;
  size_t matched = 0;  // findings already in the baseline (suppressed, kind "baseline")
  size_t fixed = 0;    // baseline entries no finding matches any more
};

struct ScanReport {
  const Graph* graph = nullptr;
  std::vector<const rules::Rule*> rules;  // every rule that ran
  rules::Results results;                 // findings sorted by sort_findings()
  std::optional<BaselineStats> baseline;
};

// Baselines: today's findings by fingerprint (DECISIONS.md 16), so that a finding that only
// moved, or whose file was reformatted, stays matched.
nlohmann::ordered_json baseline_to_json(const ScanReport& report);
// Marks the findings the baseline holds (suppression kind "baseline") and counts the fixed ones.
// Returns an error message for a file that is not a baseline.
std::optional<std::string> apply_baseline(const nlohmann::json& baseline, const std::string& file,
                                          ScanReport& report);

// Findings in a stable order: file, line, column, rule, resource.
void sort_findings(const Graph& g, std::vector<rules::Finding>& findings);

nlohmann::ordered_json scan_to_json(const ScanReport& report);
nlohmann::ordered_json rule_to_json(const rules::Rule& r);

}  // namespace infralint
