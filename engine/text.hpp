// Small text helpers every layer uses.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace infralint {

// ASCII lower case (keys, ids, keywords; not a Unicode case fold).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace infralint
