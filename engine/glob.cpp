#include "engine/glob.hpp"

#include <re2/re2.h>

namespace infralint {

IgnoreRules::IgnoreRules() = default;
IgnoreRules::~IgnoreRules() = default;
IgnoreRules::IgnoreRules(IgnoreRules&&) noexcept = default;
IgnoreRules& IgnoreRules::operator=(IgnoreRules&&) noexcept = default;

std::string glob_to_regex(std::string_view glob) {
  // A pattern with a '/' before its end is anchored to the folder; one without matches at
  // any depth.
  bool anchored = glob.find('/') != std::string_view::npos;
  if (!glob.empty() && glob[0] == '/') glob.remove_prefix(1);
  std::string re = anchored ? "^" : "^(?:.*/)?";
  for (size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*') {
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        const bool at_start = i == 0 || glob[i - 1] == '/';
        const bool at_end = i + 2 == glob.size();
        const bool slash_after = i + 2 < glob.size() && glob[i + 2] == '/';
        if (at_start && slash_after) {  // "**/": zero or more folders
          re += "(?:.*/)?";
          i += 2;
          continue;
        }
        if (at_start && at_end) {  // trailing "/**": everything inside
          re += ".*";
          i += 1;
          continue;
        }
        re += "[^/]*";  // "**" elsewhere acts as "*"
        i += 1;
        continue;
      }
      re += "[^/]*";
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) ++j;
      if (j < glob.size() && glob[j] == ']') ++j;
      while (j < glob.size() && glob[j] != ']') ++j;
      if (j >= glob.size()) {
        re += "\\[";
        continue;
      }
      std::string cls(glob.substr(i + 1, j - i - 1));
      if (!cls.empty() && cls[0] == '!') cls[0] = '^';
      std::string escaped;
      for (char k : cls) {
        if (k == '\\' || k == '[') escaped += '\\';
        escaped += k;
      }
      re += "[" + escaped + "]";
      i = j;
    } else if (c == '\\' && i + 1 < glob.size()) {
      re += RE2::QuoteMeta(std::string(1, glob[++i]));
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  // A pattern naming a folder also covers what is inside it.
  re += "(?:/.*)?$";
  return re;
}

bool IgnoreRules::add(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Trailing spaces are ignored unless escaped.
  while (!line.empty() && line.back() == ' ' &&
         !(line.size() >= 2 && line[line.size() - 2] == '\\')) {
    line.remove_suffix(1);
  }
  if (line.empty() || line[0] == '#') return false;
  Rule rule;
  if (line[0] == '!') {
    rule.negated = true;
    line.remove_prefix(1);
  } else if (line[0] == '\\' && line.size() > 1 && (line[1] == '#' || line[1] == '!')) {
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    rule.dir_only = true;
    line.remove_suffix(1);
  }
  if (line.empty()) return false;
  RE2::Options opts;
  opts.set_log_errors(false);
  rule.re = std::make_unique<RE2>(glob_to_regex(line), opts);
  if (!rule.re->ok()) return false;
  rules_.push_back(std::move(rule));
  return true;
}

void IgnoreRules::add_file(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    add(text.substr(start, end - start));
    start = end + 1;
  }
}

IgnoreRules::Match IgnoreRules::match(std::string_view path, bool is_dir) const {
  // The last matching rule decides.
  for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
    if (it->dir_only && !is_dir) {
      // "build/" ignores no file named build, but does cover the files inside a folder build.
      bool inside = false;
      for (size_t p = path.find('/'); p != std::string_view::npos && !inside;
           p = path.find('/', p + 1)) {
        inside = RE2::FullMatch(re2::StringPiece(path.data(), p), *it->re);
      }
      if (!inside) continue;
    } else if (!RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *it->re)) {
      continue;
    }
    return it->negated ? Match::Included : Match::Ignored;
  }
  return Match::None;
}

}  // namespace infralint
