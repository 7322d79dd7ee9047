#include "parsers/observability/observability.hpp"

namespace infralint::observability {

bool is_prometheus_rules(const Value& root) {
  const Value* groups = root.get("groups");
  if (!groups || !groups->is_list() || groups->items.empty()) return false;
  for (const auto& g : groups->items) {
    if (!g.is_map() || !g.get("rules")) return false;
  }
  return true;
}

bool is_otel_collector(const Value& root) {
  if (root.get("receivers") && root.get("exporters")) return true;
  const Value* pipelines = root.at({"service", "pipelines"});
  return pipelines && pipelines->is_map();
}

void build_prometheus(const Value& root, const std::string& base, uint32_t file, ParseOutput& out,
                      int parent) {
  const Value* groups = root.get("groups");
  if (!groups || !groups->is_list()) return;
  for (const auto& g : groups->items) {
    if (!g.is_map()) continue;
    const Value* name = g.get("name");
    const std::string gname = name ? std::string(name->scalar_text()) : "";
    Value attrs = g;
    attrs.erase("rules");
    const uint32_t gid =
        out.add(make_resource("prometheus_rule_group", "prometheus-rules", gname,
                              "prometheus:" + base + "#" + gname, file, g.span, attrs));
    if (parent >= 0) out.edges.push_back(LocalEdge{static_cast<uint32_t>(parent), gid, "contains"});
    const Value* rules = g.get("rules");
    if (!rules || !rules->is_list()) continue;
    for (const auto& r : rules->items) {
      if (!r.is_map()) continue;
      const Value* alert = r.get("alert");
      const Value* record = r.get("record");
      const bool is_alert = alert != nullptr;
      const std::string rname(is_alert ? alert->scalar_text()
                              : record ? record->scalar_text()
                                       : "");
      const uint32_t rid = out.add(make_resource(
          is_alert ? "prometheus_alert_rule" : "prometheus_recording_rule", "prometheus-rules",
          rname, "prometheus:" + base + "#" + gname + "/" + rname, file, r.span, r));
      out.edges.push_back(LocalEdge{gid, rid, "contains"});
    }
  }
}

void build_otel(const Value& root, const std::string& base, Span span, uint32_t file,
                ParseOutput& out, int parent) {
  const uint32_t id = out.add(
      make_resource("otel_collector", "otel-collector", base, "otel:" + base, file, span, root));
  if (parent >= 0) out.edges.push_back(LocalEdge{static_cast<uint32_t>(parent), id, "contains"});
}

}  // namespace infralint::observability
