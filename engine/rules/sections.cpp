#include "engine/rules/sections.hpp"

namespace infralint::rules {

const std::vector<Section>& review_sections() {
  static const std::vector<Section> sections = {
      {"1.1", "Kubernetes resource optimization (EKS node groups)"},
      {"1.2", "Docker Compose improvements"},
      {"1.3", "Network security improvements (security groups)"},
      {"2.1", "Pin Docker image versions"},
      {"2.2", "Add dependency scanning"},
      {"2.3", "Implement dependency update automation"},
      {"3.1", "Implement AWS Secrets Manager integration"},
      {"3.2", "Implement External Secrets Operator in Kubernetes"},
      {"3.3", "Implement secret rotation"},
      {"4.1", "Implement multi-AZ deployment"},
      {"4.2", "Implement auto-scaling for Kubernetes deployments"},
      {"4.3", "Implement disaster recovery"},
      {"5.1", "Implement resource quotas in Kubernetes"},
      {"5.2", "Implement AWS cost explorer integration (budgets)"},
      {"5.3", "Implement spot instances for non-critical workloads"},
      {"6.1", "Implement network policies in Kubernetes"},
      {"6.2", "Implement security scanning in CI/CD"},
      {"6.3", "Implement AWS WAF for API protection"},
      {"7.1", "Enhance Prometheus alert rules"},
      {"7.2", "Implement OpenTelemetry for distributed tracing"},
      {"7.3", "Implement log aggregation with Loki"},
      {"extra", "Good practice every peer checks"},
  };
  return sections;
}

}  // namespace infralint::rules
