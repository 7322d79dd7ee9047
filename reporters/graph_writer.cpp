#include "reporters/graph_writer.hpp"

#include <cmath>
#include <map>
#include <set>

namespace infralint {

namespace {

using json = nlohmann::ordered_json;

std::string path_join(const std::string& base, std::string_view key) {
  std::string k = key.find('.') != std::string_view::npos || key.find('[') != std::string_view::npos
                      ? "[" + json(std::string(key)).dump() + "]"
                      : std::string(key);
  if (base.empty()) return k;
  return k[0] == '[' ? base + k : base + "." + k;
}

void put_range(json& j, const Graph& g, uint32_t file, Span span, const char* prefix = "") {
  const Position a = g.position(file, span.begin);
  const Position b = g.position(file, span.end);
  const std::string p = prefix;
  j[p + "line"] = a.line;
  j[p + "column"] = a.column;
  j[p + "end_line"] = b.line;
  j[p + "end_column"] = b.column;
}

void collect_meta(const Graph& g, const Value& v, const std::string& path, uint32_t resource_file,
                  json& meta) {
  if (!path.empty() && v.file != kNoFile) {
    json m = json::object();
    if (v.file != resource_file && v.file < g.files.size()) m["file"] = g.files[v.file].path;
    put_range(m, g, v.file, v.span);
    if (v.is_unknown()) {
      m["unknown"] = true;
      m["expr"] = v.sensitive ? mask_secret(v.text) : v.text;
    }
    if (v.sensitive) m["sensitive"] = true;
    meta[path] = std::move(m);
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    collect_meta(g, v.items[i], path + (path.empty() ? "" : ".") + std::to_string(i), resource_file,
                 meta);
  }
  for (const auto& e : v.entries)
    collect_meta(g, e.value, path_join(path, e.key), resource_file, meta);
}

std::string dot_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string mask_secret(std::string_view value) {
  // Two characters, counted in code points so a multi-byte character is never cut.
  size_t end = 0;
  for (int n = 0; n < 2 && end < value.size(); ++n) {
    ++end;
    while (end < value.size() && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) ++end;
  }
  return std::string(value.substr(0, end)) + "***";
}

json value_to_json(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null:
    case ValueKind::Unknown:
      return nullptr;
    case ValueKind::Bool:
      return v.boolean;
    case ValueKind::Number:
      if (v.sensitive) return mask_secret(v.text);
      if (std::isfinite(v.number) && v.number == std::floor(v.number) &&
          std::fabs(v.number) < 9.0e15) {
        return static_cast<int64_t>(v.number);
      }
      return std::isfinite(v.number) ? json(v.number) : json(v.text);
    case ValueKind::String:
      return v.sensitive ? json(mask_secret(v.text)) : json(v.text);
    case ValueKind::List: {
      json a = json::array();
      for (const auto& i : v.items) a.push_back(value_to_json(i));
      return a;
    }
    case ValueKind::Map: {
      json o = json::object();
      for (const auto& e : v.entries) o[e.key] = value_to_json(e.value);
      return o;
    }
  }
  return nullptr;
}

json graph_to_json(const Graph& g) {
  json out = json::object();
  out["schema_version"] = 1;
  std::map<std::string, std::vector<const Diagnostic*>> diags;
  for (const auto& d : g.diagnostics) diags[d.path].push_back(&d);
  json files = json::array();
  std::set<std::string> listed;
  auto diag_json = [](const Diagnostic* d) {
    json j = json::object();
    j["severity"] = severity_name(d->severity);
    j["message"] = d->message;
    j["line"] = d->start.line;
    j["column"] = d->start.column;
    return j;
  };
  for (const auto& f : g.files) {
    if (f.format.empty() && !diags.count(f.path)) continue;
    json j = json::object();
    j["path"] = f.path;
    j["format"] = f.format.empty() ? json(nullptr) : json(f.format);
    json d = json::array();
    for (const auto* x : diags[f.path]) d.push_back(diag_json(x));
    j["diagnostics"] = std::move(d);
    files.push_back(std::move(j));
    listed.insert(f.path);
  }
  // Diagnostics about paths that are not scanned files (a symlink, a Helm chart, the command line).
  for (const auto& [path, list] : diags) {
    if (listed.count(path)) continue;
    json j = json::object();
    j["path"] = path;
    j["format"] = nullptr;
    json d = json::array();
    for (const auto* x : list) d.push_back(diag_json(x));
    j["diagnostics"] = std::move(d);
    files.push_back(std::move(j));
  }
  out["files"] = std::move(files);

  json resources = json::array();
  for (const auto& r : g.resources) {
    json j = json::object();
    j["address"] = r.address;
    j["type"] = r.type;
    j["format"] = r.format;
    j["name"] = r.name;
    j["file"] = r.file < g.files.size() ? json(g.files[r.file].path) : json(nullptr);
    const Position a = g.position(r.file, r.span.begin);
    const Position b = g.position(r.file, r.span.end);
    j["start_line"] = a.line;
    j["start_column"] = a.column;
    j["end_line"] = b.line;
    j["end_column"] = b.column;
    if (r.format == "kubernetes") j["namespace"] = r.ns.empty() ? json(nullptr) : json(r.ns);
    j["attributes"] = value_to_json(r.attributes);
    json meta = json::object();
    collect_meta(g, r.attributes, "", r.file, meta);
    j["attribute_meta"] = std::move(meta);
    if (!r.facets.empty()) {
      json facets = json::array();
      for (const auto& f : r.facets) {
        json fj = json::object();
        fj["kind"] = f.kind;
        fj["name"] = f.name;
        fj["path"] = f.path;
        fj["attributes"] = value_to_json(f.attributes);
        facets.push_back(std::move(fj));
      }
      j["facets"] = std::move(facets);
    }
    resources.push_back(std::move(j));
  }
  out["resources"] = std::move(resources);

  json edges = json::array();
  for (const auto& e : g.edges) {
    json j = json::object();
    j["from"] = g.resources[e.from].address;
    j["to"] = g.resources[e.to].address;
    j["kind"] = e.kind;
    edges.push_back(std::move(j));
  }
  out["edges"] = std::move(edges);
  return out;
}

void write_graph_json(const Graph& g, std::ostream& out) {
  out << graph_to_json(g).dump(1) << "\n";
}

void write_graph_dot(const Graph& g, std::ostream& out) {
  out << "digraph infralint {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::map<uint32_t, std::vector<uint32_t>> by_file;
  for (uint32_t i = 0; i < g.resources.size(); ++i) by_file[g.resources[i].file].push_back(i);
  for (const auto& [file, ids] : by_file) {
    out << "  subgraph \"cluster_" << file << "\" {\n    label=\""
        << dot_escape(file < g.files.size() ? g.files[file].path : "") << "\";\n";
    for (uint32_t id : ids) {
      out << "    n" << id << " [label=\"" << dot_escape(g.resources[id].address) << "\\n"
          << dot_escape(g.resources[id].type) << "\"];\n";
    }
    out << "  }\n";
  }
  for (const auto& e : g.edges) {
    out << "  n" << e.from << " -> n" << e.to << " [label=\"" << dot_escape(e.kind) << "\"];\n";
  }
  out << "}\n";
}

}  // namespace infralint
