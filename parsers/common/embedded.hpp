// YAML held inside a YAML string (a ConfigMap's data): parsed with the same YAML layer, its
// locations mapped back into the outer file.
#pragma once

#include <optional>

#include "engine/source.hpp"
#include "engine/value.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint {

// Parses the string `scalar` (a value of `outer`, file index `file`) as YAML. For a literal
// block scalar ("|") every location maps exactly; otherwise all of them point at the string.
// Returns nullopt when the text is not YAML or not a mapping.
std::optional<Value> parse_embedded_yaml(const Value& scalar, const SourceFile& outer,
                                         uint32_t file);

}  // namespace infralint
