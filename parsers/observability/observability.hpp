// Prometheus rule files and OpenTelemetry collector configs, as files of their own or
// embedded in Kubernetes objects (PrometheusRule spec, ConfigMap data).
#pragma once

#include <string>

#include "engine/value.hpp"
#include "parsers/common/output.hpp"

namespace infralint::observability {

// True when a YAML document looks like a Prometheus rule file: `groups`, each with `rules`.
bool is_prometheus_rules(const Value& root);
// True when a YAML document looks like a collector config: receivers and exporters, or
// service.pipelines.
bool is_otel_collector(const Value& root);

// `groups` of a rule file (or a PrometheusRule's spec): prometheus_rule_group resources and one
// prometheus_alert_rule or prometheus_recording_rule each. `address_base` names the file or object.
void build_prometheus(const Value& root, const std::string& address_base, uint32_t file,
                      ParseOutput& out, int parent = -1);
// One otel_collector resource with pipelines normalized.
void build_otel(const Value& root, const std::string& address_base, Span span, uint32_t file,
                ParseOutput& out, int parent = -1);

}  // namespace infralint::observability
