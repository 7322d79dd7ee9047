// Every report format writes from the same ScanReport (reporters know findings and rule
// metadata, nothing of a format's syntax). One file per format.
#pragma once

#include <ostream>
#include <string>

#include "reporters/scan_report.hpp"

namespace infralint {

struct ReportOptions {
  // Base of the rule reference: a rule's page is BASE + "#" + lower-case id (DECISIONS.md 25).
  std::string docs_base_url = "https://github.com/infralint/infralint/blob/main/docs/rules.md";
  std::string
      sarif_srcroot;  // absolute URI for SARIF's SRCROOT; none unless given (DECISIONS.md 21)
  bool color = false;
  bool quiet = false;
  long elapsed_ms = -1;  // shown only on a terminal or with --timestamps
};

std::string rule_help_uri(const ReportOptions& o, const rules::Rule& r);

void write_text(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_gcc(const ScanReport& report, std::ostream& out);
void write_sarif(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_junit(const ScanReport& report, std::ostream& out);
void write_github(const ScanReport& report, std::ostream& out);
// docs/rules.md: coverage of the review's sections, then every rule grouped by section.
void write_rules_markdown(const std::vector<const rules::Rule*>& rules, std::ostream& out);

// XML 1.0 (and HTML) text: markup characters escaped; characters XML forbids and invalid UTF-8
// become U+FFFD (DECISIONS.md 24).
std::string xml_escape(std::string_view s);

// Severity words per consumer (DECISIONS.md 17).
std::string_view level_of(rules::RuleSeverity s);  // error, warning, note

}  // namespace infralint
