#include "parsers/common/embedded.hpp"

namespace infralint {

namespace {

struct Mapper {
  const SourceFile& inner;
  const SourceFile& outer;
  uint32_t file;
  bool exact;
  uint32_t first_line0;  // outer line of the block's first content line
  uint32_t indent;
  Span fallback;

  uint32_t map(uint32_t offset) const {
    const Position p = inner.position(offset);
    return outer.offset_of(first_line0 + p.line - 1, indent + p.column - 1);
  }
  Span map(Span s) const { return exact ? Span{map(s.begin), map(s.end)} : fallback; }
  void apply(Value& v) const {
    v.file = file;
    v.span = map(v.span);
    for (auto& i : v.items) apply(i);
    for (auto& e : v.entries) {
      e.key_span = map(e.key_span);
      apply(e.value);
    }
  }
};

}  // namespace

std::optional<Value> parse_embedded_yaml(const Value& scalar, const SourceFile& outer,
                                         uint32_t file) {
  if (!scalar.is_string()) return std::nullopt;
  SourceFile inner("", scalar.text);
  yaml::Result r = yaml::parse(inner, file);
  if (r.failed || r.documents.size() != 1 || !r.documents[0].root.is_map()) return std::nullopt;
  Value root = std::move(r.documents[0].root);

  Mapper m{inner, outer, file, false, 0, 0, scalar.span};
  // A literal block scalar keeps its lines: check that each content line sits in the outer
  // file at one indentation, then map exactly.
  const std::string_view src = outer.text();
  if (scalar.span.begin < src.size() && src[scalar.span.begin] == '|') {
    const Position start = outer.position(scalar.span.begin);
    const uint32_t first = start.line;  // 0-based index of the next line
    std::string_view first_line = outer.line_text(first);
    uint32_t indent = 0;
    while (indent < first_line.size() && first_line[indent] == ' ') ++indent;
    bool ok = indent > 0;
    for (uint32_t i = 0; ok && i < inner.line_count(); ++i) {
      std::string_view want = inner.line_text(i);
      if (want.empty()) continue;
      std::string_view got = outer.line_text(first + i);
      ok = got.size() >= indent && got.substr(indent) == want;
    }
    if (ok) {
      m.exact = true;
      m.first_line0 = first;
      m.indent = indent;
    }
  }
  m.apply(root);
  return root;
}

}  // namespace infralint
