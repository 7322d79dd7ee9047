// The resource graph: every scanned file, the resources parsed from them, typed edges between
// resources, and normalized facets (DESIGN.md "The graph"; docs/graph.md documents the JSON).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/source.hpp"
#include "engine/value.hpp"

namespace infralint {

enum class Severity : uint8_t { Error, Warning, Info };
std::string_view severity_name(Severity s);

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string path;  // relative to the scan root ("" for the command line itself)
  Position start;
  std::string message;
};

struct FileEntry {
  std::string path;    // relative to the scan root, '/' separated
  std::string format;  // format name ("compose", "kubernetes", ...), "manifest" or ""
  // Null until read, and for files never read; shared with the loader's cache (ParseCache).
  std::shared_ptr<const SourceFile> source;
};

// A normalized cross-format view of part of a resource (e.g. one container).
struct Facet {
  std::string kind;  // "container"
  std::string name;  // container or service name
  std::string path;  // dotted attribute path inside the resource ("" for the whole resource)
  Value attributes;  // normalized: image{...}, healthcheck, resources, user, privileged
};

struct Resource {
  std::string address;  // unique within a scan
  std::string type;     // "compose_service", "Deployment", "dockerfile_stage", ...
  std::string format;
  std::string name;
  uint32_t file = kNoFile;
  Span span;       // the whole definition; its start is the header findings point at
  std::string ns;  // Kubernetes namespace as written ("" when unspecified or cluster-scoped)
  Value attributes;
  std::vector<Facet> facets;
};

struct Edge {
  uint32_t from = 0;
  uint32_t to = 0;
  std::string kind;  // builds_from, depends_on, selects, scales, in_namespace, ...
  bool operator<(const Edge& o) const;
  bool operator==(const Edge& o) const = default;
};

struct Graph {
  std::string root;  // absolute scan root
  std::vector<FileEntry> files;
  std::vector<Resource> resources;
  std::vector<Edge> edges;
  std::vector<Diagnostic> diagnostics;
  // The configuration's environments: gitignore-style globs -> "production" | "development".
  std::vector<std::pair<std::string, std::string>> environment_paths;

  // Index of a file by its relative path, or kNoFile.
  uint32_t file_index(std::string_view path) const;
  // Position helpers for a value or resource span.
  Position position(uint32_t file, uint32_t offset) const;
  const SourceFile* source(uint32_t file) const;

  void add_edge(uint32_t from, uint32_t to, std::string kind);
  // Sorts resources by (file, position, address), makes addresses unique, sorts and
  // de-duplicates edges. Called once after linking.
  void finalize();

  std::map<std::string, uint32_t, std::less<>> file_by_path;
};

}  // namespace infralint
