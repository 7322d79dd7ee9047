// Kubernetes manifests: every object of every document (and of `kind: List`) becomes a
// resource typed by its kind; workloads get container facets; the link step adds selector,
// HPA, secret/config, service-account and namespace edges across files.
#pragma once

#include <vector>

#include "engine/graph.hpp"
#include "parsers/common/output.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint::kubernetes {

bool is_object(const Value& root);

// Moves the documents' objects into resources.
void build(std::vector<yaml::Document>& docs, const SourceFile& source, uint32_t file,
           ParseOutput& out);

void link(Graph& graph);

// The pod spec of a workload object (Pod, Deployment, CronJob, ...), or null.
const Value* pod_spec(const Value& object, std::string* path = nullptr);
// The pod template's labels of a workload (a Pod's own labels), or null.
const Value* pod_labels(const Value& object);
// Label-selector semantics: matchLabels and matchExpressions, or a plain label map (Service).
bool selector_matches(const Value& selector, const Value* labels);

}  // namespace infralint::kubernetes
