// `infralint graph`: the resource graph as JSON (docs/graph.md) or Graphviz DOT.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/graph.hpp"

namespace infralint {

// A secret's visible form: its first two characters, then "***" (DECISIONS.md 18).
std::string mask_secret(std::string_view value);

// A value as plain JSON (unknown -> null, sensitive strings masked).
nlohmann::ordered_json value_to_json(const Value& v);

nlohmann::ordered_json graph_to_json(const Graph& g);
void write_graph_json(const Graph& g, std::ostream& out);
void write_graph_dot(const Graph& g, std::ostream& out);

}  // namespace infralint
