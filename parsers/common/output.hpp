// What one parser run produces: resources with unit-local edges, and diagnostics. The loader
// appends it to the graph and turns the local indices into graph indices.
#pragma once

#include <string>
#include <vector>

#include "engine/graph.hpp"

namespace infralint {

struct LocalEdge {
  uint32_t from = 0;
  uint32_t to = 0;
  std::string kind;
};

inline Resource make_resource(std::string type, std::string format, std::string name,
                              std::string address, uint32_t file, Span span, Value attributes) {
  Resource r;
  r.type = std::move(type);
  r.format = std::move(format);
  r.name = std::move(name);
  r.address = std::move(address);
  r.file = file;
  r.span = span;
  r.attributes = std::move(attributes);
  return r;
}

struct ParseOutput {
  std::vector<Resource> resources;
  std::vector<LocalEdge> edges;
  std::vector<Diagnostic> diagnostics;

  uint32_t add(Resource r) {
    resources.push_back(std::move(r));
    return static_cast<uint32_t>(resources.size() - 1);
  }
  void diag(Severity s, const SourceFile& src, uint32_t offset, std::string msg) {
    diagnostics.push_back(Diagnostic{s, src.path(), src.position(offset), std::move(msg)});
  }
};

}  // namespace infralint
