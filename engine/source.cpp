#include "engine/source.hpp"

#include <algorithm>

namespace infralint {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    had_bom_ = true;
    text.erase(0, 3);
  }
  text_ = std::move(text);
  line_starts_.push_back(0);
  bool ascii = true;
  for (size_t i = 0; i < text_.size(); ++i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c >= 0x80) ascii = false;
    // A line ends at LF, at CR LF, or at a lone CR (as YAML and editors count them).
    if (c == '\n' || (c == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n'))) {
      line_ascii_.push_back(ascii);
      ascii = true;
      line_starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  line_ascii_.push_back(ascii);
}

Position SourceFile::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line0 = static_cast<uint32_t>(it - line_starts_.begin() - 1);
  const uint32_t start = line_starts_[line0];
  uint32_t column = 1;
  if (line_ascii_[line0]) {
    column += offset - start;
  } else {
    for (uint32_t i = start; i < offset; ++i) {
      if (!is_continuation(static_cast<unsigned char>(text_[i]))) ++column;
    }
  }
  return {line0 + 1, column};
}

uint32_t SourceFile::offset_of(uint32_t line0, uint32_t column0) const {
  if (line0 >= line_starts_.size()) return static_cast<uint32_t>(text_.size());
  const uint32_t start = line_starts_[line0];
  const uint32_t limit = line0 + 1 < line_starts_.size() ? line_starts_[line0 + 1]
                                                         : static_cast<uint32_t>(text_.size());
  if (line_ascii_[line0]) return std::min(start + column0, limit);
  uint32_t i = start;
  for (uint32_t seen = 0; i < limit; ++i) {
    if (is_continuation(static_cast<unsigned char>(text_[i]))) continue;
    if (seen++ == column0) return i;
  }
  return limit;
}

std::string_view SourceFile::line_text(uint32_t line0) const {
  if (line0 >= line_starts_.size()) return {};
  size_t begin = line_starts_[line0];
  size_t end = line0 + 1 < line_starts_.size() ? line_starts_[line0 + 1] : text_.size();
  while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(begin, end - begin);
}

size_t first_invalid_utf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if (!is_continuation(cc)) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace infralint
