// GitHub Actions workflows (github_workflow, github_job) and dependabot configs
// (dependabot_config).
#pragma once

#include "engine/graph.hpp"
#include "engine/source.hpp"
#include "engine/value.hpp"
#include "parsers/common/output.hpp"

namespace infralint::ci {

void build_workflow(const Value& root, const SourceFile& source, uint32_t file, ParseOutput& out);
void build_dependabot(const Value& root, const SourceFile& source, uint32_t file, ParseOutput& out);

// Edges manifest -> dependabot_config ("covered_by") for every package-ecosystem directory an
// `updates` entry covers (`directory`, or `directories` with globs), relative to the repository
// that holds the config's .github folder.
void link_dependabot(Graph& g);

// "owner/repo/path@ref", "./local", "docker://image" split into a map (kind, owner, repo,
// path, ref, pinned_sha).
Value parse_uses(const Value& uses);

}  // namespace infralint::ci
