// The review's sections (../shared/review/infrastructure-review.md), in order: what rules are
// grouped by in docs/rules.md and, later, in the audit report.
#pragma once

#include <string_view>
#include <vector>

namespace infralint::rules {

struct Section {
  std::string_view id;     // "1.1" ... "7.3", "extra"
  std::string_view title;  // the review's heading
};

const std::vector<Section>& review_sections();

}  // namespace infralint::rules
