// Which environment a resource belongs to (DECISIONS.md 8): a tag or label named env,
// environment or stage wins; else a path segment or file name saying prod/production or
// dev/development/local/sandbox/test; else unknown.
#pragma once

#include <string_view>

#include "engine/graph.hpp"

namespace infralint {

enum class Environment : uint8_t { Unknown, Production, Development };

std::string_view environment_name(Environment e);
// The environment a word list names: "docker-compose.prod.yml" -> production.
Environment environment_of_text(std::string_view text);
Environment environment_of(const Graph& g, const Resource& r);
// Every resource's environment; the configuration's paths (Graph::environment_paths) decide
// first (DECISIONS.md 8: the config overrides tags and paths). With `files`, only the resources
// of those files (by file index) are looked at; the others are Unknown.
std::vector<Environment> environments_of(const Graph& g, const std::vector<bool>* files = nullptr);

}  // namespace infralint
