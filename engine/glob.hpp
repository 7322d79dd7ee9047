// gitignore-style patterns compiled to RE2 once: used for .gitignore files and --exclude.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace infralint {

class IgnoreRules {
 public:
  IgnoreRules();
  ~IgnoreRules();
  IgnoreRules(IgnoreRules&&) noexcept;
  IgnoreRules& operator=(IgnoreRules&&) noexcept;

  // Adds one gitignore line (comments, blanks, '!' negation, trailing '/' for directories,
  // '**' and anchoring as git does). Returns false for a line that is not a pattern.
  bool add(std::string_view line);
  // Adds every line of a .gitignore file's text.
  void add_file(std::string_view text);

  enum class Match { None, Ignored, Included };
  // `path` is relative to the folder the rules belong to, '/' separated, no leading '/'.
  Match match(std::string_view path, bool is_dir) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::unique_ptr<re2::RE2> re;
    bool negated = false;
    bool dir_only = false;
  };
  std::vector<Rule> rules_;
};

// Translates a gitignore glob (without '!' and trailing '/') to an RE2 pattern that matches a
// whole relative path.
std::string glob_to_regex(std::string_view glob);

}  // namespace infralint
