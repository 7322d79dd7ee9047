// Dockerfile parser: directives, continuations with either escape character, heredocs, JSON
// and shell forms, flags, ARG/ENV substitution, multi-stage builds. Resources: the file
// (`dockerfile`) and each stage (`dockerfile_stage`).
#pragma once

#include <cstdint>

#include "engine/source.hpp"
#include "parsers/common/output.hpp"

namespace infralint::dockerfile {

void parse(const SourceFile& source, uint32_t file_index, ParseOutput& out);

}  // namespace infralint::dockerfile
