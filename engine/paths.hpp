// Scan-root-relative paths ('/'-separated, no leading '/'): their folder, their name, and
// joining a relative reference to a folder without leaving the root.
#pragma once

#include <string>
#include <string_view>

namespace infralint {

// "a/b/c.yaml" -> "a/b"; "c.yaml" -> "".
inline std::string_view path_dir(std::string_view p) {
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : p.substr(0, slash);
}

// "a/b/c.yaml" -> "c.yaml".
inline std::string_view path_base(std::string_view p) {
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// Joins and normalizes ("a/b" + "../c" -> "a/c", "" + "." -> "."); "" when the result would
// leave the root or `rel` is absolute.
std::string join_path(std::string_view dir, std::string_view rel);

}  // namespace infralint
