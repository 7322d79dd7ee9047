// Test helpers: a temporary folder of files, loading it, and finding things in the graph.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/graph.hpp"
#include "parsers/loader.hpp"

namespace infralint::test {

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/infralint-test-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path write(const std::string& rel, std::string_view content) const {
    const auto p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return p;
  }

 private:
  std::filesystem::path root_;
};

inline Graph load_dir(const std::filesystem::path& dir, LoadOptions opt = {}) {
  opt.discover.paths = {dir.string()};
  return load(opt).graph;
}

inline Graph load_tree(const TempTree& t, LoadOptions opt = {}) {
  return load_dir(t.root(), std::move(opt));
}

inline const Resource* find_resource(const Graph& g, std::string_view address) {
  for (const auto& r : g.resources) {
    if (r.address == address) return &r;
  }
  return nullptr;
}

inline bool has_edge(const Graph& g, std::string_view from, std::string_view to,
                     std::string_view kind) {
  for (const auto& e : g.edges) {
    if (g.resources[e.from].address == from && g.resources[e.to].address == to && e.kind == kind)
      return true;
  }
  return false;
}

inline std::vector<const Diagnostic*> diagnostics_for(const Graph& g, std::string_view path) {
  std::vector<const Diagnostic*> out;
  for (const auto& d : g.diagnostics) {
    if (d.path == path) out.push_back(&d);
  }
  return out;
}

// "line:column-end_line:end_column" of a value, for compact location assertions.
inline std::string range(const Graph& g, const Value& v) {
  const Position a = g.position(v.file, v.span.begin);
  const Position b = g.position(v.file, v.span.end);
  return std::to_string(a.line) + ":" + std::to_string(a.column) + "-" + std::to_string(b.line) +
         ":" + std::to_string(b.column);
}

}  // namespace infralint::test
