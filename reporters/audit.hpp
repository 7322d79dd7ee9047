// The quarterly audit report (`infralint report SCAN.json [--previous OLD.json]`): overall and
// per-section compliance (DECISIONS.md 20: passed / (passed + failed) over (rule, resource)
// pairs, unknown excluded), the findings by section, what is new and what was fixed since the
// previous scan (by fingerprint), and the accepted risks with their reasons and expiry dates.
// Markdown, or one self-contained HTML file with an inline SVG chart (no scripts, no network).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace infralint {

// Checks that a document is a scan JSON (`infralint scan --format json`); the error otherwise.
std::optional<std::string> check_scan_json(const nlohmann::json& scan);

void write_audit_markdown(const nlohmann::json& scan, const nlohmann::json* previous,
                          std::ostream& out);
void write_audit_html(const nlohmann::json& scan, const nlohmann::json* previous,
                      std::ostream& out);

}  // namespace infralint
