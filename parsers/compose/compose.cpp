#include "parsers/compose/compose.hpp"

#include <algorithm>
#include <set>

#include "engine/paths.hpp"
#include "parsers/common/image.hpp"

namespace infralint::compose {

namespace {

constexpr size_t kMaxExtendsDepth = 16;

// Interpolates every string in a compose file (values, not keys).
void interpolate_tree(Value& v, const Env& env, const SourceFile& src, ParseOutput& out) {
  if (v.is_map()) {
    for (auto& e : v.entries) interpolate_tree(e.value, env, src, out);
    return;
  }
  if (v.is_list()) {
    for (auto& i : v.items) interpolate_tree(i, env, src, out);
    return;
  }
  if (!v.is_string() || v.text.find('$') == std::string::npos) return;
  Interpolated r = interpolate(v.text, env);
  if (!r.error.empty()) out.diag(Severity::Error, src, v.span.begin, r.error);
  if (!r.value) {
    const bool sensitive = r.used_env;
    v = Value::unknown(v.text, v.file, v.span);
    v.sensitive = sensitive;
    return;
  }
  v.text = std::move(*r.value);
  if (r.used_env) v.sensitive = true;  // values from .env are secrets until shown otherwise
}

// "KEY=VALUE" lists (environment, labels, build args) as maps; "KEY" alone is unknown (it is
// taken from the shell at run time).
void list_to_map(Value& v) {
  if (!v.is_list()) return;
  Value m = Value::map(v.file, v.span);
  for (auto& item : v.items) {
    if (!item.is_string() && !item.is_unknown()) continue;
    const std::string& t = item.text;
    const size_t eq = t.find('=');
    if (eq == std::string::npos) {
      m.set(t, Value::unknown("${" + t + "}", item.file, item.span), item.span);
    } else {
      Value val = item;
      val.text = t.substr(eq + 1);
      m.set(t.substr(0, eq), std::move(val), item.span);
    }
  }
  v = std::move(m);
}

void normalize_service(Value& svc) {
  if (!svc.is_map()) return;
  for (const char* key : {"environment", "labels"}) {
    if (Value* v = svc.get(key)) list_to_map(*v);
  }
  if (Value* b = svc.get("build"); b && b->is_map()) {
    if (Value* a = b->get("args")) list_to_map(*a);
  }
  if (Value* d = svc.get("depends_on"); d && d->is_list()) {
    Value m = Value::map(d->file, d->span);
    for (auto& item : d->items) {
      if (item.is_string()) m.set(item.text, Value::map(item.file, item.span), item.span);
    }
    *d = std::move(m);
  }
}

bool replaces_list(std::string_view key) {
  return key == "command" || key == "entrypoint" || key == "test" || key == "dns" ||
         key == "dns_search" || key == "cap_add" || key == "cap_drop";
}

// Compose's merge: maps merge key by key, most lists append, commands replace.
void merge_into(Value& base, const Value& over, std::string_view key) {
  if (base.is_map() && over.is_map()) {
    for (const auto& e : over.entries) {
      if (Value* b = base.get(e.key)) {
        merge_into(*b, e.value, e.key);
      } else {
        base.entries.push_back(e);
      }
    }
    return;
  }
  if (base.is_list() && over.is_list() && !replaces_list(key)) {
    for (const auto& item : over.items) {
      const bool dup = item.is_scalar() &&
                       std::any_of(base.items.begin(), base.items.end(), [&](const Value& b) {
                         return b.is_scalar() && b.kind == item.kind && b.text == item.text;
                       });
      if (!dup) base.items.push_back(item);
    }
    return;
  }
  base = over;
}

class Builder {
 public:
  Builder(const Project& p, ParseOutput& out) : p_(p), out_(out) {}
  void run();

 private:
  Value prepared_root(const ProjectFile& f) {
    Value root = *f.root;
    interpolate_tree(root, p_.env, *f.source, out_);
    if (Value* services = root.get("services"); services && services->is_map()) {
      for (auto& e : services->entries) normalize_service(e.value);
    }
    return root;
  }
  void resolve_extends(const std::string& name, Value& svc, const ProjectFile& from, size_t depth,
                       std::set<std::string>& chain);
  void add_top_level(const char* section, const char* type);
  void add_services();

  const Project& p_;
  ParseOutput& out_;
  Value merged_ = Value::map();
  Value unresolved_;  // the services as written, before `extends` is applied
  ProjectFile main_;
  std::map<std::string, uint32_t> ids_;  // "type/name" -> local resource index
};

void Builder::resolve_extends(const std::string& name, Value& svc, const ProjectFile& from,
                              size_t depth, std::set<std::string>& chain) {
  const MapEntry* ext_entry = svc.entry("extends");
  if (!ext_entry) return;
  const Value ext = ext_entry->value;
  const Span ext_key_span = ext_entry->key_span;
  svc.erase("extends");
  if (depth >= kMaxExtendsDepth || !chain.insert(from.source->path() + "#" + name).second) {
    out_.diag(Severity::Error, *from.source, ext.span.begin,
              "extends cycle or chain deeper than " + std::to_string(kMaxExtendsDepth) +
                  " at service " + name);
    return;
  }
  std::string base_name;
  std::string file_path;
  if (ext.is_string()) {
    base_name = ext.text;
  } else if (ext.is_map()) {
    if (const Value* s = ext.get("service")) base_name = std::string(s->scalar_text());
    if (const Value* f = ext.get("file")) file_path = std::string(f->scalar_text());
  }
  if (base_name.empty()) {
    out_.diag(Severity::Error, *from.source, ext.span.begin, "extends without a service name");
    return;
  }
  Value base;
  ProjectFile base_file = from;
  if (file_path.empty()) {
    const Value* b = unresolved_.get(base_name);
    if (!b) {
      out_.diag(Severity::Error, *from.source, ext.span.begin,
                "extends: no service \"" + base_name + "\"");
      return;
    }
    base = *b;
  } else {
    const std::string path = join_path(path_dir(from.source->path()), file_path);
    base_file = path.empty() ? ProjectFile{} : p_.find_file(path);
    if (!base_file.root) {
      // Not part of this scan: what it would add is unknown, so nothing is claimed about it.
      svc.set("extends", ext, ext_key_span);
      return;
    }
    Value other = prepared_root(base_file);
    const Value* b = other.at({"services", base_name});
    if (!b) {
      out_.diag(Severity::Error, *from.source, ext.span.begin,
                "extends: no service \"" + base_name + "\" in " + path);
      return;
    }
    base = *b;
  }
  resolve_extends(base_name, base, base_file, depth + 1, chain);
  merge_into(base, svc, "");
  svc = std::move(base);
}

void Builder::add_top_level(const char* section, const char* type) {
  const Value* sec = merged_.get(section);
  if (!sec || !sec->is_map()) return;
  for (const auto& e : sec->entries) {
    Resource r;
    r.type = type;
    r.format = "compose";
    r.name = e.key;
    r.address = p_.prefix +
                "compose:" + std::string(section).substr(0, std::string(section).size() - 1) + "/" +
                e.key;
    r.file = e.value.file != kNoFile ? e.value.file : main_.file;
    r.span = Span{e.key_span.begin, std::max(e.key_span.end, e.value.span.end)};
    r.attributes = e.value.is_map() ? e.value : Value::map(r.file, e.value.span);
    ids_[std::string(type) + "/" + e.key] = out_.add(std::move(r));
  }
}

void Builder::add_services() {
  Value* services = merged_.get("services");
  if (!services) return;
  if (!services->is_map()) {
    out_.diag(Severity::Error, *main_.source, services->span.begin, "services must be a mapping");
    return;
  }
  unresolved_ = *services;
  for (auto& e : services->entries) {
    if (!e.value.is_map() && !e.value.is_null()) {
      out_.diag(Severity::Error, *main_.source, e.value.span.begin,
                "service \"" + e.key + "\" must be a mapping");
      continue;
    }
    if (e.value.is_null()) e.value = Value::map(e.value.file, e.value.span);
    std::set<std::string> chain;
    const uint32_t file = e.value.file != kNoFile ? e.value.file : main_.file;
    ProjectFile from = main_;
    for (const auto& f : p_.files) {
      if (f.file == file) from = f;
    }
    resolve_extends(e.key, e.value, from, 0, chain);
    Resource r;
    r.type = "compose_service";
    r.format = "compose";
    r.name = e.key;
    r.address = p_.prefix + "compose:" + e.key;
    r.file = from.file;
    r.span = Span{e.key_span.begin, std::max(e.key_span.end, e.value.span.end)};
    r.attributes = e.value;
    const Value& s = r.attributes;
    const Value* deploy_resources = s.at({"deploy", "resources"});
    Facet f = container_facet(e.key, "", s.get("image"), s.get("healthcheck"), deploy_resources,
                              s.get("user"), s.get("privileged"));
    adopt_key_spans(f, s);
    if (const Value* deploy = s.get("deploy")) adopt_key_spans(f, *deploy);
    r.facets.push_back(std::move(f));
    ids_["compose_service/" + e.key] = out_.add(std::move(r));
  }
  // Edges between the project's own resources.
  for (auto& [key, id] : ids_) {
    if (key.rfind("compose_service/", 0) != 0) continue;
    const Value attrs = out_.resources[id].attributes;
    auto link = [&](const char* field, const char* type, const char* kind) {
      const Value* v = attrs.get(field);
      if (!v) return;
      std::vector<std::string> names;
      if (v->is_map()) {
        for (const auto& x : v->entries) names.push_back(x.key);
      } else if (v->is_list()) {
        for (const auto& x : v->items) {
          if (x.is_string()) {
            names.push_back(x.text);
          } else if (const Value* src = x.get("source")) {
            names.push_back(std::string(src->scalar_text()));
          }
        }
      }
      for (const auto& n : names) {
        auto it = ids_.find(std::string(type) + "/" + n);
        if (it != ids_.end()) out_.edges.push_back(LocalEdge{id, it->second, kind});
      }
    };
    link("depends_on", "compose_service", "depends_on");
    link("links", "compose_service", "links");
    link("networks", "compose_network", "uses_network");
    link("secrets", "compose_secret", "uses_secret");
    link("configs", "compose_config", "uses_config");
    if (const Value* vols = attrs.get("volumes"); vols && vols->is_list()) {
      for (const auto& v : vols->items) {
        std::string source;
        if (v.is_string()) {
          source = v.text.substr(0, v.text.find(':'));
        } else if (const Value* src = v.get("source")) {
          source = std::string(src->scalar_text());
        }
        auto it = ids_.find("compose_volume/" + source);
        if (!source.empty() && it != ids_.end())
          out_.edges.push_back(LocalEdge{id, it->second, "uses_volume"});
      }
    }
  }
}

void Builder::run() {
  for (const auto& f : p_.files) {
    if (!f.root) continue;
    if (!f.root->is_map()) {
      if (!f.root->is_null())
        out_.diag(Severity::Error, *f.source, f.root->span.begin,
                  "a compose file must be a mapping");
      continue;
    }
    if (!main_.root) main_ = f;
    Value root = prepared_root(f);
    merge_into(merged_, root, "");
  }
  if (!main_.root) return;
  add_top_level("networks", "compose_network");
  add_top_level("volumes", "compose_volume");
  add_top_level("secrets", "compose_secret");
  add_top_level("configs", "compose_config");
  add_services();
}

}  // namespace

void build(const Project& project, ParseOutput& out) {
  Builder(project, out).run();
}

namespace {

// A service without a healthcheck of its own runs the one its image declares: for a service
// built here, the HEALTHCHECK of the stage it builds (marked from_dockerfile); for a build whose
// Dockerfile is not in the scan, unknown.
void inherit_healthcheck(Resource& service, const Resource* stage) {
  for (auto& f : service.facets) {
    if (f.kind != "container") continue;
    const Value* own = f.attributes.get("healthcheck");
    if (own && !own->is_null()) return;
    if (!stage) {
      f.attributes.set("healthcheck",
                       Value::unknown("the HEALTHCHECK of a Dockerfile outside the scan"));
      return;
    }
    const Value* hc = nullptr;
    for (const auto& sf : stage->facets) {
      if (sf.kind == "container") hc = sf.attributes.get("healthcheck");
    }
    if (!hc) hc = stage->attributes.get("healthcheck");
    if (!hc || hc->is_null()) return;
    Value inherited = *hc;
    inherited.set("from_dockerfile", Value::of_bool(true, hc->file, hc->span));
    f.attributes.set("healthcheck", std::move(inherited), hc->span);
  }
}

}  // namespace

void link(Graph& g) {
  std::map<std::string, uint32_t> dockerfiles;  // path -> file resource
  std::map<std::string, std::vector<std::pair<std::string, uint32_t>>>
      stages;  // path -> (name, id)
  for (uint32_t i = 0; i < g.resources.size(); ++i) {
    const Resource& r = g.resources[i];
    if (r.type == "dockerfile") dockerfiles[g.files[r.file].path] = i;
    if (r.type == "dockerfile_stage") stages[g.files[r.file].path].emplace_back(r.name, i);
  }
  for (uint32_t i = 0; i < g.resources.size(); ++i) {
    Resource& r = g.resources[i];
    if (r.type != "compose_service") continue;
    const Value* build = r.attributes.get("build");
    if (!build) continue;
    std::string context;
    std::string dockerfile = "Dockerfile";
    std::string target;
    if (build->is_string()) {
      context = build->text;
    } else if (build->is_map()) {
      if (const Value* c = build->get("context")) context = std::string(c->scalar_text());
      if (const Value* d = build->get("dockerfile")) dockerfile = std::string(d->scalar_text());
      if (const Value* t = build->get("target")) target = std::string(t->scalar_text());
      if (build->get("dockerfile_inline")) {
        inherit_healthcheck(r, nullptr);
        continue;
      }
      if (!build->get("context")) context = ".";
    } else {
      inherit_healthcheck(r, nullptr);
      continue;
    }
    const std::string ctx =
        context.find("://") != std::string::npos || context.rfind("git@", 0) == 0
            ? ""
            : join_path(path_dir(g.files[r.file].path), context);
    const std::string path = ctx.empty() ? "" : join_path(ctx == "." ? "" : ctx, dockerfile);
    auto it = ctx.empty() ? dockerfiles.end() : dockerfiles.find(path);
    const auto& st = it == dockerfiles.end() ? stages[""] : stages[path];
    if (it == dockerfiles.end() || st.empty()) {
      inherit_healthcheck(r, nullptr);
      if (it != dockerfiles.end()) g.add_edge(i, it->second, "builds_from");
      continue;
    }
    g.add_edge(i, it->second, "builds_from");
    uint32_t stage = st.back().second;
    for (const auto& [name, id] : st) {
      if (!target.empty() && name == target) stage = id;
    }
    g.add_edge(i, stage, "builds_from");
    inherit_healthcheck(g.resources[i], &g.resources[stage]);
  }
}

}  // namespace infralint::compose
