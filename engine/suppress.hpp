// Suppressions (DECISIONS.md 19): inline comments in each format's comment syntax
// (`# infralint:ignore IL201,IL902 reason="..." until=2027-01-01`, `infralint:ignore-file`),
// the Kubernetes annotation `infralint.io/ignore: "IL201=reason"`, peers' skips for the rules
// that list the peer's id (`#checkov:skip=`, `# kics-scan ignore-line`, `# hadolint ignore=`,
// `#trivy:ignore:`, `# tflint-ignore:`), and the configuration's per-path ignores. A comment
// applies when it trails the finding's first line, stands alone on the line above it, or on the
// line above an enclosing block's or the resource's header.
#pragma once

#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "engine/rules/evaluate.hpp"

namespace infralint {

// A configuration ignore: findings of these rules (ids or sections; empty: all) under a path.
struct PathIgnore {
  std::string path;  // a gitignore-style glob, relative to the scan root
  std::vector<std::string> rules;
  std::string reason;
  std::string until;  // YYYY-MM-DD or ""
};

struct SuppressOptions {
  bool inline_comments = true;  // false: --no-inline-suppressions (peers' skips too)
  bool peers = true;            // honour peer tools' skips
  std::string today;            // YYYY-MM-DD: expired `until` dates no longer suppress
  std::vector<PathIgnore> ignores;
  // Only these files (by index) were judged: read the comments of these and of the files the
  // findings point into (null: every file).
  const std::vector<bool>* judged = nullptr;
};

// Marks the findings that are suppressed and adds diagnostics for suppressions without a reason,
// expired ones, and inline ones that match no finding of a rule that ran.
void apply_suppressions(Graph& g, std::vector<rules::Finding>& findings,
                        const std::vector<const rules::Rule*>& rules_run,
                        const SuppressOptions& options);

// Today's date (YYYY-MM-DD, UTC), or INFRALINT_TODAY when set (for reproducible tests).
std::string today_utc();

}  // namespace infralint
