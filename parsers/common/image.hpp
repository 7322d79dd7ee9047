// Container image references and the `container` facet shared by every format.
#pragma once

#include <string>
#include <string_view>

#include "engine/graph.hpp"

namespace infralint {

struct ImageRef {
  std::string registry;    // "" for Docker Hub; may carry a port ("localhost:5000")
  std::string repository;  // "library/postgres" is kept as written ("postgres")
  std::string tag;         // "" when untagged
  std::string digest;      // "sha256:..." or ""
  bool valid = false;
};

// Parses [registry[:port]/]repository[:tag][@digest] as Docker's reference grammar does: the
// first path component is a registry when it holds '.' or ':' or is "localhost".
ImageRef parse_image_ref(std::string_view text);

// The facet form of an image reference, with the raw value's location: a map with reference,
// registry, repository, tag and digest; unknown when the reference itself is unknown.
Value image_value(const Value& raw);

// Builds a `container` facet from already-normalized parts (any may be null).
Facet container_facet(std::string name, std::string path, const Value* image,
                      const Value* healthcheck, const Value* resources, const Value* user,
                      const Value* privileged);

// Gives the facet's entries the key spans of the same keys in `source` (the container's own
// map), so that a finding about something missing inside, say, `healthcheck` points at the
// `healthcheck:` key. `aliases` maps facet keys to source keys where the names differ.
void adopt_key_spans(
    Facet& f, const Value& source,
    std::initializer_list<std::pair<std::string_view, std::string_view>> aliases = {});

}  // namespace infralint
