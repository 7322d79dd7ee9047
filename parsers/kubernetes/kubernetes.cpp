#include "parsers/kubernetes/kubernetes.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "parsers/common/embedded.hpp"
#include "parsers/common/image.hpp"
#include "parsers/observability/observability.hpp"

namespace infralint::kubernetes {

namespace {

const std::set<std::string, std::less<>> kClusterScoped = {"Namespace",
                                                           "Node",
                                                           "PersistentVolume",
                                                           "ClusterRole",
                                                           "ClusterRoleBinding",
                                                           "CustomResourceDefinition",
                                                           "StorageClass",
                                                           "PriorityClass",
                                                           "ValidatingWebhookConfiguration",
                                                           "MutatingWebhookConfiguration",
                                                           "APIService",
                                                           "ClusterIssuer",
                                                           "IngressClass",
                                                           "RuntimeClass",
                                                           "PodSecurityPolicy",
                                                           "CSIDriver",
                                                           "ClusterSecretStore",
                                                           "VolumeSnapshotClass",
                                                           "ValidatingAdmissionPolicy",
                                                           "ValidatingAdmissionPolicyBinding"};

std::string text_of(const Value* v) {
  return v ? std::string(v->scalar_text()) : std::string();
}

void add_containers(Resource& r, const Value& spec, const std::string& base) {
  const Value* pod_sc = spec.get("securityContext");
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    const Value* cs = spec.get(list);
    if (!cs || !cs->is_list()) continue;
    for (size_t i = 0; i < cs->items.size(); ++i) {
      const Value& c = cs->items[i];
      if (!c.is_map()) continue;
      const Value* sc = c.get("securityContext");
      const Value* user = sc ? sc->get("runAsUser") : nullptr;
      if (!user && pod_sc) user = pod_sc->get("runAsUser");
      const Value* privileged = sc ? sc->get("privileged") : nullptr;
      Facet f = container_facet(text_of(c.get("name")), base + "." + list + "." + std::to_string(i),
                                c.get("image"), c.get("livenessProbe"), c.get("resources"), user,
                                privileged);
      for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
        const Value* p = c.get(probe);
        f.attributes.set(probe, p ? *p : Value{}, p ? p->span : Span{});
      }
      f.attributes.set("init", Value::of_bool(std::string_view(list) == "initContainers"));
      f.attributes.set("security_context", sc ? *sc : Value{}, sc ? sc->span : Span{});
      adopt_key_spans(f, c, {{"security_context", "securityContext"}});
      r.facets.push_back(std::move(f));
    }
  }
}

// Takes the object's value: the YAML tree moves into the resource, it is not copied.
void build_object(Value&& object, const SourceFile& src, uint32_t file, ParseOutput& out) {
  Resource r;
  r.attributes = std::move(object);
  const Value& obj = r.attributes;
  const std::string kind = text_of(obj.get("kind"));
  const Value* meta = obj.get("metadata");
  std::string name = meta ? text_of(meta->get("name")) : "";
  if (name.empty() && meta) name = text_of(meta->get("generateName"));
  const std::string ns = meta ? text_of(meta->get("namespace")) : "";
  const bool cluster = kClusterScoped.count(kind) > 0;
  r.type = kind;
  r.format = "kubernetes";
  r.name = name;
  r.address = "k8s:" + kind + "/" +
              (cluster ? "" : (ns.empty() ? std::string("default") : ns) + "/") + name;
  r.file = file;
  r.span = obj.span;
  r.ns = cluster ? "" : ns;
  std::string path;
  if (const Value* spec = pod_spec(obj, &path)) {
    add_containers(r, *spec, path);
    if (kind != "Pod") {
      // The pod template as a Pod, so rules written for Pods judge workloads too (as Checkov
      // does): a `pod` facet with the template's metadata and spec.
      Facet pod;
      pod.kind = "pod";
      pod.name = name;
      pod.path = path.substr(0, path.size() - 5);  // "...template.spec" -> "...template"
      pod.attributes = Value::map(file, spec->span);
      pod.attributes.set("apiVersion", Value::string("v1", file, obj.span));
      pod.attributes.set("kind", Value::string("Pod", file, obj.span));
      const Value* tmpl = kind == "CronJob" ? obj.at({"spec", "jobTemplate", "spec", "template"})
                                            : obj.at({"spec", "template"});
      if (tmpl && tmpl->get("metadata")) pod.attributes.set("metadata", *tmpl->get("metadata"));
      pod.attributes.set("spec", *spec);
      r.facets.push_back(std::move(pod));
    }
  }
  const uint32_t id = out.add(std::move(r));

  // Collector configs and rule files embedded in the object.
  const Value& added = out.resources[id].attributes;
  const std::string base = src.path() + "#" + kind + "/" + name;
  if (kind == "PrometheusRule") {
    if (const Value* spec = added.get("spec")) {
      const Value groups = *spec;  // `out` grows while the groups are read
      observability::build_prometheus(groups, base, file, out, static_cast<int>(id));
    }
  } else if (kind == "ConfigMap") {
    const Value* data = added.get("data");
    if (!data || !data->is_map()) return;
    std::vector<std::pair<std::string, Value>> inner_configs;
    for (const auto& e : data->entries) {
      if (!e.value.is_string() || e.value.text.find(':') == std::string::npos) continue;
      std::optional<Value> inner = parse_embedded_yaml(e.value, src, file);
      if (inner) inner_configs.emplace_back(e.key, std::move(*inner));
    }
    // `out` grows below: nothing may point into it any more.
    for (auto& [key, inner] : inner_configs) {
      if (observability::is_otel_collector(inner)) {
        observability::build_otel(inner, base + "/" + key, inner.span, file, out,
                                  static_cast<int>(id));
      } else if (observability::is_prometheus_rules(inner)) {
        observability::build_prometheus(inner, base + "/" + key, file, out, static_cast<int>(id));
      }
    }
  }
}

std::vector<std::string> names_referenced(const Value& spec, const char* secret_or_config) {
  // Secrets or ConfigMaps a pod spec takes: envFrom, env valueFrom, volumes, projected sources.
  const bool secret = std::string_view(secret_or_config) == "secret";
  std::vector<std::string> names;
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    const Value* cs = spec.get(list);
    if (!cs || !cs->is_list()) continue;
    for (const auto& c : cs->items) {
      if (const Value* ef = c.get("envFrom"); ef && ef->is_list()) {
        for (const auto& e : ef->items) {
          if (const Value* ref = e.get(secret ? "secretRef" : "configMapRef"))
            names.push_back(text_of(ref->get("name")));
        }
      }
      if (const Value* env = c.get("env"); env && env->is_list()) {
        for (const auto& e : env->items) {
          if (const Value* ref = e.at({"valueFrom", secret ? "secretKeyRef" : "configMapKeyRef"})) {
            names.push_back(text_of(ref->get("name")));
          }
        }
      }
    }
  }
  if (const Value* vols = spec.get("volumes"); vols && vols->is_list()) {
    for (const auto& v : vols->items) {
      if (secret) {
        if (const Value* s = v.get("secret")) names.push_back(text_of(s->get("secretName")));
      } else if (const Value* c = v.get("configMap")) {
        names.push_back(text_of(c->get("name")));
      }
      if (const Value* sources = v.at({"projected", "sources"}); sources && sources->is_list()) {
        for (const auto& s : sources->items) {
          if (const Value* ref = s.get(secret ? "secret" : "configMap"))
            names.push_back(text_of(ref->get("name")));
        }
      }
    }
  }
  if (secret) {
    if (const Value* ips = spec.get("imagePullSecrets"); ips && ips->is_list()) {
      for (const auto& s : ips->items) names.push_back(text_of(s.get("name")));
    }
  }
  names.erase(std::remove(names.begin(), names.end(), std::string()), names.end());
  return names;
}

}  // namespace

bool is_object(const Value& root) {
  const Value* api = root.get("apiVersion");
  const Value* kind = root.get("kind");
  return api && kind && kind->is_string() && !kind->text.empty();
}

const Value* pod_spec(const Value& obj, std::string* path) {
  const std::string kind = text_of(obj.get("kind"));
  auto set = [&](const char* p) {
    if (path) *path = p;
  };
  if (kind == "Pod") {
    set("spec");
    return obj.get("spec");
  }
  if (kind == "CronJob") {
    set("spec.jobTemplate.spec.template.spec");
    return obj.at({"spec", "jobTemplate", "spec", "template", "spec"});
  }
  if (kind == "PodTemplate") {
    set("template.spec");
    return obj.at({"template", "spec"});
  }
  const Value* tpl_spec = obj.at({"spec", "template", "spec"});
  if (tpl_spec && (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
                   kind == "ReplicaSet" || kind == "Job" || kind == "ReplicationController" ||
                   tpl_spec->get("containers"))) {
    set("spec.template.spec");
    return tpl_spec;
  }
  return nullptr;
}

const Value* pod_labels(const Value& obj) {
  const std::string kind = text_of(obj.get("kind"));
  if (kind == "Pod") return obj.at({"metadata", "labels"});
  if (kind == "CronJob")
    return obj.at({"spec", "jobTemplate", "spec", "template", "metadata", "labels"});
  if (!pod_spec(obj)) return nullptr;
  return obj.at({"spec", "template", "metadata", "labels"});
}

bool selector_matches(const Value& selector, const Value* labels) {
  auto label = [&](std::string_view key) -> const Value* {
    return labels ? labels->get(key) : nullptr;
  };
  const Value* match_labels = selector.get("matchLabels");
  const Value* exprs = selector.get("matchExpressions");
  const bool structured = match_labels || exprs;
  const Value* plain = structured ? match_labels : &selector;
  if (plain && plain->is_map()) {
    for (const auto& e : plain->entries) {
      const Value* l = label(e.key);
      if (!l || l->scalar_text() != e.value.scalar_text()) return false;
    }
  }
  if (exprs && exprs->is_list()) {
    for (const auto& x : exprs->items) {
      const std::string key = text_of(x.get("key"));
      const std::string op = text_of(x.get("operator"));
      const Value* l = label(key);
      bool in = false;
      if (const Value* vals = x.get("values"); vals && vals->is_list() && l) {
        for (const auto& v : vals->items) in |= v.scalar_text() == l->scalar_text();
      }
      if ((op == "In" && !in) || (op == "NotIn" && in) || (op == "Exists" && !l) ||
          (op == "DoesNotExist" && l)) {
        return false;
      }
    }
  }
  return true;
}

void build(std::vector<yaml::Document>& docs, const SourceFile& src, uint32_t file,
           ParseOutput& out) {
  for (auto& d : docs) {
    if (!d.root.is_map() || !is_object(d.root)) continue;
    const std::string kind = text_of(d.root.get("kind"));
    if (kind == "List" ||
        (kind.size() > 4 && kind.substr(kind.size() - 4) == "List" && d.root.get("items"))) {
      Value* items = d.root.get("items");
      if (!items || !items->is_list()) continue;
      for (auto& item : items->items) {
        if (item.is_map() && is_object(item)) {
          build_object(std::move(item), src, file, out);
        } else {
          out.diag(Severity::Warning, src, item.span.begin,
                   "List item without apiVersion and kind: skipped");
        }
      }
      continue;
    }
    build_object(std::move(d.root), src, file, out);
  }
}

void link(Graph& g) {
  std::vector<std::pair<uint32_t, const Value*>> workloads;  // with their pods' labels
  std::map<std::tuple<std::string, std::string, std::string>, uint32_t>
      by_kind_name;  // (ns, kind, name)
  std::map<std::string, uint32_t> namespaces;
  for (uint32_t i = 0; i < g.resources.size(); ++i) {
    const Resource& r = g.resources[i];
    if (r.format != "kubernetes") continue;
    by_kind_name.emplace(std::make_tuple(r.ns, r.type, r.name), i);
    if (r.type == "Namespace") namespaces.emplace(r.name, i);
    if (pod_spec(r.attributes)) workloads.emplace_back(i, pod_labels(r.attributes));
  }
  auto find = [&](const std::string& ns, const std::string& kind,
                  const std::string& name) -> int64_t {
    auto it = by_kind_name.find({ns, kind, name});
    return it == by_kind_name.end() ? int64_t{-1} : static_cast<int64_t>(it->second);
  };
  for (uint32_t i = 0; i < g.resources.size(); ++i) {
    const Resource& r = g.resources[i];
    if (r.format != "kubernetes") continue;
    const Value& a = r.attributes;
    if (!r.ns.empty()) {
      auto it = namespaces.find(r.ns);
      if (it != namespaces.end()) g.add_edge(i, it->second, "in_namespace");
    }
    auto select = [&](const Value* selector, bool empty_selects_all) {
      if (!selector || !selector->is_map()) return;
      if (selector->entries.empty() && !empty_selects_all) return;
      for (const auto& [w, labels] : workloads) {
        if (g.resources[w].ns != r.ns) continue;
        if (selector_matches(*selector, labels)) g.add_edge(i, w, "selects");
      }
    };
    if (r.type == "Service") {
      select(a.at({"spec", "selector"}), false);
    } else if (r.type == "NetworkPolicy") {
      select(a.at({"spec", "podSelector"}), true);
    } else if (r.type == "PodDisruptionBudget") {
      select(a.at({"spec", "selector"}), false);
    } else if (r.type == "HorizontalPodAutoscaler") {
      if (const Value* ref = a.at({"spec", "scaleTargetRef"})) {
        const int64_t t = find(r.ns, text_of(ref->get("kind")), text_of(ref->get("name")));
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "scales");
      }
    } else if (r.type == "ExternalSecret") {
      std::string target = text_of(a.at({"spec", "target", "name"}));
      if (target.empty()) target = r.name;
      const int64_t t = find(r.ns, "Secret", target);
      if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "targets");
    } else if (r.type == "RoleBinding" || r.type == "ClusterRoleBinding") {
      if (const Value* ref = a.get("roleRef")) {
        const std::string kind = text_of(ref->get("kind"));
        const int64_t t = find(kind == "ClusterRole" ? "" : r.ns, kind, text_of(ref->get("name")));
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "binds_role");
      }
      if (const Value* subjects = a.get("subjects"); subjects && subjects->is_list()) {
        for (const auto& s : subjects->items) {
          if (text_of(s.get("kind")) != "ServiceAccount") continue;
          std::string ns = text_of(s.get("namespace"));
          if (ns.empty()) ns = r.ns;
          const int64_t t = find(ns, "ServiceAccount", text_of(s.get("name")));
          if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "binds_subject");
        }
      }
    } else if (r.type == "Ingress") {
      std::vector<std::string> services;
      if (const Value* d = a.at({"spec", "defaultBackend", "service", "name"}))
        services.emplace_back(d->scalar_text());
      if (const Value* rules = a.at({"spec", "rules"}); rules && rules->is_list()) {
        for (const auto& rule : rules->items) {
          const Value* paths = rule.at({"http", "paths"});
          if (!paths || !paths->is_list()) continue;
          for (const auto& p : paths->items) {
            if (const Value* n = p.at({"backend", "service", "name"}))
              services.emplace_back(n->scalar_text());
            if (const Value* n = p.at({"backend", "serviceName"}))
              services.emplace_back(n->scalar_text());
          }
        }
      }
      for (const auto& s : services) {
        const int64_t t = find(r.ns, "Service", s);
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "routes_to");
      }
    }
    if (const Value* spec = pod_spec(a)) {
      for (const auto& n : names_referenced(*spec, "secret")) {
        const int64_t t = find(r.ns, "Secret", n);
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "uses_secret");
      }
      for (const auto& n : names_referenced(*spec, "configmap")) {
        const int64_t t = find(r.ns, "ConfigMap", n);
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "uses_config");
      }
      if (const Value* sa = spec->get("serviceAccountName")) {
        const int64_t t = find(r.ns, "ServiceAccount", std::string(sa->scalar_text()));
        if (t >= 0) g.add_edge(i, static_cast<uint32_t>(t), "uses_service_account");
      }
    }
  }
}

}  // namespace infralint::kubernetes
