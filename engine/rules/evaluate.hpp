// Rule evaluation over the graph: every rule against the resources (or facets) of its types,
// in parallel, with Kleene logic for unknown values (DECISIONS.md 10).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "engine/rules/rule.hpp"

namespace infralint::rules {

enum class Tri : uint8_t { False, True, Unknown, NotApplicable };

// Why a finding is accepted (DECISIONS.md 19-20): an inline comment, the configuration, a peer
// tool's skip, or a baseline. An expired one no longer suppresses but stays on record.
struct Suppression {
  std::string kind;  // inline, config, peer, baseline
  std::string reason;
  std::string until;  // YYYY-MM-DD, or ""
  bool expired = false;
};

struct Finding {
  const Rule* rule = nullptr;
  uint32_t resource = 0;
  std::string facet;  // the facet's name when the rule judges facets
  uint32_t file = kNoFile;
  Span span;
  std::string path;       // attribute sub-path of the offending value ("" for the resource)
  std::string offending;  // its normalized text (masked when sensitive)
  std::string message;
  std::string fingerprint;
  std::optional<Suppression> suppression;
  bool suppressed() const { return suppression && !suppression->expired; }
};

struct Verdict {
  const Rule* rule = nullptr;
  uint32_t resource = 0;
  std::string facet;
};

struct Results {
  std::vector<Finding> findings;
  std::vector<Verdict> passed;
  std::vector<Verdict> unknown;
};

// `files` (optional, by file index): judge only the resources of these files; everything else in
// the graph still counts as context (connections, aggregates, repository-wide obligations). The
// language server judges the open documents this way.
Results evaluate(const Graph& graph, const std::vector<const Rule*>& rules, unsigned jobs,
                 const std::vector<bool>* files = nullptr);

// One condition against one value (exposed for tests): Checkov's operator semantics.
Tri apply_operator(const Condition& c, const Value& v);

// Values an attribute path reaches ("a.b.*.c", numeric indexes, JSON strings decoded), and
// the JSONPath subset of DECISIONS.md 15.
// `deepest` (and the key span that leads to it) tell where the path stopped.
std::vector<Value> resolve_path(const Value& root, const std::string& path,
                                const Value** deepest = nullptr, Span* deepest_key = nullptr);
std::vector<Value> resolve_jsonpath(const Value& root, const std::string& path);

}  // namespace infralint::rules
