// The one YAML layer every YAML-based parser uses: libyaml's event API turned into Value trees
// with start and end spans, merge keys applied, duplicate keys warned about, aliases and
// nesting capped (DECISIONS.md 1-2).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/graph.hpp"
#include "engine/source.hpp"
#include "engine/value.hpp"

namespace infralint::yaml {

struct Options {
  size_t max_alias_nodes = 100'000;  // nodes copied by alias expansion, per file
  size_t max_depth = 256;            // nested collections
};

struct Document {
  Value root;
  Span span;
};

struct Result {
  std::vector<Document> documents;  // every document that parsed completely
  std::vector<Diagnostic> diagnostics;
  bool failed = false;        // a syntax error stopped the parse
  bool complex_keys = false;  // a collection was used as a mapping key (template markers do that)
};

Result parse(const SourceFile& source, uint32_t file_index, const Options& options = {});

}  // namespace infralint::yaml
