// Compose variable interpolation and .env files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace infralint::compose {

using Env = std::map<std::string, std::string, std::less<>>;

struct Interpolated {
  std::optional<std::string> value;  // nullopt: needs a variable that is not set (unknown)
  bool used_env = false;             // some part came from the environment (.env)
  std::string error;                 // a malformed expression, e.g. "${" without "}"
};

// ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt},
// ${VAR+alt}, nested defaults, and "$$" for a literal '$'.
Interpolated interpolate(std::string_view text, const Env& env);

// Parses a .env file: KEY=VALUE lines, optional "export ", '#' comments, single quotes
// (literal), double quotes (escapes \n \t \" \\, interpolation of earlier keys).
Env parse_env_file(std::string_view text);

}  // namespace infralint::compose
