#include "engine/paths.hpp"

#include <vector>

namespace infralint {

std::string join_path(std::string_view dir, std::string_view rel) {
  std::vector<std::string> parts;
  auto push = [&](std::string_view s) {
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t end = s.find('/', pos);
      if (end == std::string_view::npos) end = s.size();
      std::string_view part = s.substr(pos, end - pos);
      pos = end + 1;
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
      } else {
        parts.emplace_back(part);
      }
    }
    return true;
  };
  if (!rel.empty() && rel[0] == '/') return "";  // absolute: outside the scan
  if (!push(dir) || !push(rel)) return "";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out.empty() ? "." : out;
}

}  // namespace infralint
