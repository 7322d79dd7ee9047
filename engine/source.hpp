// A scanned file's bytes and the mapping from byte offsets (used everywhere inside) to the
// 1-based line and code-point column that every output shows (DECISIONS.md 3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace infralint {

// Half-open byte range [begin, end) inside one SourceFile's text.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// 1-based line and column; the column counts Unicode code points (a tab counts as one).
struct Position {
  uint32_t line = 1;
  uint32_t column = 1;
};

class SourceFile {
 public:
  SourceFile() = default;
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  bool had_bom() const { return had_bom_; }
  size_t line_count() const { return line_starts_.size(); }

  // Byte offset -> 1-based line and code-point column. Offsets past the end clamp to the end.
  Position position(uint32_t offset) const;
  // 0-based line and code-point column (as libyaml reports them) -> byte offset.
  uint32_t offset_of(uint32_t line0, uint32_t column0) const;
  // The text of a 0-based line, without its line break.
  std::string_view line_text(uint32_t line0) const;

 private:
  std::string path_;
  std::string text_;
  bool had_bom_ = false;
  std::vector<uint32_t> line_starts_;
  std::vector<bool> line_ascii_;
};

// Index of the first byte that is not valid UTF-8, or npos when all of it is valid.
size_t first_invalid_utf8(std::string_view text);

}  // namespace infralint
