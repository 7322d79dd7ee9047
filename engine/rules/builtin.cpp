// The built-in rules: the documents tools/rulec.cpp embedded at build time, compiled on demand.
#include "engine/rules/rule.hpp"

namespace infralint::rules {

const std::vector<Rule>& builtin_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> out;
    std::vector<LoadError> errors;  // validated at build time
    for (const auto& e : builtin_entries()) {
      if (auto r = compile_rule(e.doc, e.doc["metadata"]["source"].get<std::string>(), nullptr,
                                errors)) {
        out.push_back(std::move(*r));
      }
    }
    return out;
  }();
  return rules;
}

std::vector<Rule> builtin_rules_for(const std::set<std::string>* resource_types,
                                    const std::set<std::string>* facet_kinds,
                                    const nlohmann::json* parameters) {
  std::vector<Rule> out;
  std::vector<LoadError> errors;
  for (const auto& e : builtin_entries()) {
    if (resource_types && facet_kinds &&
        !applies_to(e.scope_types, e.facet, *resource_types, *facet_kinds))
      continue;
    const std::string id = e.doc["metadata"]["id"].get<std::string>();
    const nlohmann::json* own =
        parameters && parameters->contains(id) ? &(*parameters)[id] : nullptr;
    if (auto r = compile_rule(e.doc, e.doc["metadata"]["source"].get<std::string>(), nullptr,
                              errors, own)) {
      out.push_back(std::move(*r));
    }
  }
  return out;
}

}  // namespace infralint::rules
