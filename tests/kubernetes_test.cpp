#include <gtest/gtest.h>

#include "helpers.hpp"
#include "parsers/kubernetes/kubernetes.hpp"

namespace infralint {
namespace {

using test::find_resource;
using test::has_edge;
using test::range;
using test::TempTree;

const char* kApp = R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: api, tier: backend}
    spec:
      serviceAccountName: api-sa
      initContainers:
        - name: migrate
          image: migrate/migrate:v4.17.0
      containers:
        - name: api
          image: ghcr.io/acme/api@sha256:abc
          envFrom:
            - secretRef: {name: api-keys}
          env:
            - name: CFG
              valueFrom:
                configMapKeyRef: {name: api-config, key: x}
          livenessProbe:
            httpGet: {path: /health, port: 8000}
          resources:
            limits: {cpu: "1", memory: 1Gi}
          securityContext:
            privileged: false
            runAsUser: 1000
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-frontend, namespace: shop}
spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [frontend]}
)";

const char* kSecrets = R"(apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: api-keys, namespace: shop}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: api-config, namespace: shop}
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: api-sa, namespace: shop}
  - apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata: {name: api-keys-es, namespace: shop}
    spec:
      refreshInterval: 1h
      target: {name: api-keys}
)";

TEST(Kubernetes, ObjectsAddressesAndLocations) {
  TempTree t;
  t.write("k8s/app.yaml", kApp);
  t.write("k8s/secrets.yaml", kSecrets);
  Graph g = test::load_tree(t);
  const Resource* deploy = find_resource(g, "k8s:Deployment/shop/api");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->type, "Deployment");
  EXPECT_EQ(deploy->ns, "shop");
  EXPECT_EQ(g.position(deploy->file, deploy->span.begin).line, 6u);
  ASSERT_NE(find_resource(g, "k8s:Namespace/shop"),
            nullptr);  // cluster-scoped: no namespace segment
  // kind: List items are objects of their own.
  ASSERT_NE(find_resource(g, "k8s:Secret/shop/api-keys"), nullptr);
  ASSERT_NE(find_resource(g, "k8s:ExternalSecret/shop/api-keys-es"), nullptr);
  const Value* image = deploy->attributes.at({"spec", "template", "spec", "containers"});
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(range(g, *image->items[0].get("image")), "22:18-22:45");
}

TEST(Kubernetes, Edges) {
  TempTree t;
  t.write("k8s/app.yaml", kApp);
  t.write("k8s/secrets.yaml", kSecrets);
  Graph g = test::load_tree(t);
  const std::string d = "k8s:Deployment/shop/api";
  EXPECT_TRUE(has_edge(g, "k8s:Service/shop/api", d, "selects"));
  EXPECT_TRUE(has_edge(g, "k8s:HorizontalPodAutoscaler/shop/api-hpa", d, "scales"));
  EXPECT_TRUE(has_edge(g, "k8s:NetworkPolicy/shop/default-deny", d,
                       "selects"));  // empty selector: all pods
  EXPECT_FALSE(has_edge(g, "k8s:NetworkPolicy/shop/only-frontend", d, "selects"));
  EXPECT_TRUE(has_edge(g, d, "k8s:Secret/shop/api-keys", "uses_secret"));
  EXPECT_TRUE(has_edge(g, d, "k8s:ConfigMap/shop/api-config", "uses_config"));
  EXPECT_TRUE(has_edge(g, d, "k8s:ServiceAccount/shop/api-sa", "uses_service_account"));
  EXPECT_TRUE(
      has_edge(g, "k8s:ExternalSecret/shop/api-keys-es", "k8s:Secret/shop/api-keys", "targets"));
  EXPECT_TRUE(has_edge(g, d, "k8s:Namespace/shop", "in_namespace"));
  EXPECT_TRUE(has_edge(g, "k8s:Secret/shop/api-keys", "k8s:Namespace/shop", "in_namespace"));
}

TEST(Kubernetes, ContainerFacets) {
  TempTree t;
  t.write("app.yaml", kApp);
  Graph g = test::load_tree(t);
  const Resource* deploy = find_resource(g, "k8s:Deployment/shop/api");
  ASSERT_EQ(deploy->facets.size(), 3u);  // two containers, and the pod template as a Pod
  EXPECT_EQ(deploy->facets[2].kind, "pod");
  EXPECT_EQ(deploy->facets[2].path, "spec.template");
  EXPECT_EQ(deploy->facets[2].attributes.at({"metadata", "labels", "tier"})->text, "backend");
  const Facet& init = deploy->facets[0];
  EXPECT_EQ(init.name, "migrate");
  EXPECT_EQ(init.path, "spec.template.spec.initContainers.0");
  EXPECT_TRUE(init.attributes.get("init")->boolean);
  EXPECT_EQ(init.attributes.at({"image", "tag"})->text, "v4.17.0");
  const Facet& api = deploy->facets[1];
  EXPECT_EQ(api.path, "spec.template.spec.containers.0");
  EXPECT_EQ(api.attributes.at({"image", "registry"})->text, "ghcr.io");
  EXPECT_EQ(api.attributes.at({"image", "digest"})->text, "sha256:abc");
  EXPECT_TRUE(api.attributes.at({"image", "tag"})->is_null());
  EXPECT_FALSE(api.attributes.get("healthcheck")->is_null());
  EXPECT_TRUE(api.attributes.get("readinessProbe")->is_null());
  EXPECT_EQ(api.attributes.get("user")->number, 1000);
  EXPECT_FALSE(api.attributes.get("privileged")->boolean);
}

TEST(Kubernetes, UnspecifiedNamespace) {
  TempTree t;
  t.write("a.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    "
          "metadata: {labels: {app: w}}\n    spec:\n      containers: [{name: c, image: x:1}]\n");
  t.write("b.yaml",
          "apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec: {selector: {app: w}}\n");
  Graph g = test::load_tree(t);
  const Resource* w = find_resource(g, "k8s:Deployment/default/w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->ns, "");  // "unspecified", not "default" (DECISIONS.md 5)
  EXPECT_TRUE(has_edge(g, "k8s:Service/default/w", "k8s:Deployment/default/w", "selects"));
}

TEST(Kubernetes, WorkloadKindsHaveTheirPodSpecs) {
  TempTree t;
  t.write("jobs.yaml", R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: busybox:1.36}]
)");
  Graph g = test::load_tree(t);
  for (const char* a :
       {"k8s:CronJob/default/nightly", "k8s:Pod/default/p", "k8s:DaemonSet/default/d"}) {
    const Resource* r = find_resource(g, a);
    ASSERT_NE(r, nullptr) << a;
    size_t containers = 0;
    for (const auto& f : r->facets) containers += f.kind == "container";
    EXPECT_EQ(containers, 1u) << a;
  }
  EXPECT_EQ(find_resource(g, "k8s:CronJob/default/nightly")->facets[0].path,
            "spec.jobTemplate.spec.template.spec.containers.0");
}

TEST(Kubernetes, SelectorSemantics) {
  SourceFile f(
      "x",
      "labels: {app: a, env: prod}\nsel1: {matchLabels: {app: a}, matchExpressions: [{key: env, "
      "operator: NotIn, values: [dev]}]}\nsel2: {matchExpressions: [{key: team, operator: "
      "Exists}]}\nsel3: {matchExpressions: [{key: team, operator: DoesNotExist}]}\n");
  auto r = yaml::parse(f, 0);
  const Value& root = r.documents[0].root;
  const Value* labels = root.get("labels");
  EXPECT_TRUE(kubernetes::selector_matches(*root.get("sel1"), labels));
  EXPECT_FALSE(kubernetes::selector_matches(*root.get("sel2"), labels));
  EXPECT_TRUE(kubernetes::selector_matches(*root.get("sel3"), labels));
}

TEST(Kubernetes, CollectorConfigInAConfigMap) {
  TempTree t;
  t.write("otel.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: otel-collector-config
data:
  config.yaml: |
    receivers:
      otlp: {}
    processors:
      batch: {}
    exporters:
      jaeger:
        tls:
          insecure: true
    service:
      pipelines:
        traces: {receivers: [otlp], processors: [batch], exporters: [jaeger]}
)");
  Graph g = test::load_tree(t);
  const Resource* otel = nullptr;
  for (const auto& r : g.resources) {
    if (r.type == "otel_collector") otel = &r;
  }
  ASSERT_NE(otel, nullptr);
  EXPECT_EQ(otel->address, "otel:otel.yaml#ConfigMap/otel-collector-config/config.yaml");
  const Value* insecure = otel->attributes.at({"exporters", "jaeger", "tls", "insecure"});
  ASSERT_NE(insecure, nullptr);
  EXPECT_TRUE(insecure->boolean);
  // Embedded in a literal block, the value keeps its exact place in the file.
  EXPECT_EQ(range(g, *insecure), "14:21-14:25");
  EXPECT_TRUE(
      has_edge(g, "k8s:ConfigMap/default/otel-collector-config", otel->address, "contains"));
}

TEST(Kubernetes, PrometheusRuleObjects) {
  TempTree t;
  t.write("rules.yaml", R"(apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r, namespace: mon}
spec:
  groups:
    - name: g
      rules:
        - alert: Down
          expr: up == 0
        - record: job:up:sum
          expr: sum(up)
)");
  Graph g = test::load_tree(t);
  EXPECT_NE(find_resource(g, "prometheus:rules.yaml#PrometheusRule/r#g/Down"), nullptr);
  EXPECT_NE(find_resource(g, "prometheus:rules.yaml#PrometheusRule/r#g/job:up:sum"), nullptr);
}

}  // namespace
}  // namespace infralint
