#include "engine/graph.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace infralint {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "info";
  }
  return "error";
}

bool Edge::operator<(const Edge& o) const {
  return std::tie(from, to, kind) < std::tie(o.from, o.to, o.kind);
}

uint32_t Graph::file_index(std::string_view path) const {
  auto it = file_by_path.find(path);
  return it == file_by_path.end() ? kNoFile : it->second;
}

const SourceFile* Graph::source(uint32_t file) const {
  if (file >= files.size()) return nullptr;
  return files[file].source.get();
}

Position Graph::position(uint32_t file, uint32_t offset) const {
  const SourceFile* s = source(file);
  return s ? s->position(offset) : Position{};
}

void Graph::add_edge(uint32_t from, uint32_t to, std::string kind) {
  if (from == to) return;
  edges.push_back(Edge{from, to, std::move(kind)});
}

void Graph::finalize() {
  // A colliding address is qualified with its file path, then with an occurrence number.
  std::unordered_map<std::string_view, uint32_t> first;  // address -> its first resource
  std::map<uint32_t, std::vector<uint32_t>> collisions;  // first resource -> all of them
  first.reserve(resources.size());
  for (uint32_t i = 0; i < resources.size(); ++i) {
    auto [it, fresh] = first.emplace(resources[i].address, i);
    if (fresh) continue;
    auto& ids = collisions[it->second];
    if (ids.empty()) ids.push_back(it->second);
    ids.push_back(i);
  }
  first.clear();  // its keys view the addresses about to change
  for (auto& [head, ids] : collisions) {
    std::unordered_map<std::string, uint32_t> seen;
    for (uint32_t id : ids) {
      Resource& r = resources[id];
      if (r.file < files.size()) {
        std::string qualified = files[r.file].path;
        qualified.push_back(':');
        if (r.address.rfind(qualified, 0) != 0) r.address.insert(0, qualified);
      }
      const uint32_t n = seen[r.address]++;
      if (n > 0) r.address.append("#").append(std::to_string(n + 1));
    }
  }

  std::vector<uint32_t> order(resources.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Resource& x = resources[a];
    const Resource& y = resources[b];
    return std::tie(x.file, x.span.begin, x.address) < std::tie(y.file, y.span.begin, y.address);
  });
  std::vector<uint32_t> new_index(resources.size());
  std::vector<Resource> sorted;
  sorted.reserve(resources.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = i;
    sorted.push_back(std::move(resources[order[i]]));
  }
  resources = std::move(sorted);
  for (auto& e : edges) {
    e.from = new_index[e.from];
    e.to = new_index[e.to];
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.start.line, a.start.column, a.message) <
           std::tie(b.path, b.start.line, b.start.column, b.message);
  });
}

}  // namespace infralint
