// The scan's results (the data every report format writes) and their JSON form
// (docs/scan-json.schema.json).
#pragma once

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/graph.hpp"
#include "engine/rules/evaluate.hpp"

namespace infralint {

struct ScanReport {
  const Graph* graph = nullptr;
  std::vector<const rules::Rule*> rules;  // every rule that ran
  rules::Results results;                 // findings sorted by sort_findings()
};

// Findings in a stable order: file, line, column, rule, resource.
void sort_findings(const Graph& g, std::vector<rules::Finding>& findings);

nlohmann::ordered_json scan_to_json(const ScanReport& report);
nlohmann::ordered_json rule_to_json(const rules::Rule& r);

}  // namespace infralint
