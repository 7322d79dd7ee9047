#include "lsp/workspace.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "engine/suppress.hpp"

namespace infralint::lsp {

namespace {

bool same_stat(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

bool Workspace::knows(const std::string& path) const {
  if (!discovery_) return true;  // the next run discovers anyway
  return std::any_of(discovery_->files.begin(), discovery_->files.end(),
                     [&](const DiscoveredFile& f) { return f.abs == path; });
}

bool Workspace::refresh_config(std::vector<ConfigError>& errors) {
  const std::string path = find_config(root_);
  struct stat st {};
  const bool exists = !path.empty() && ::stat(path.c_str(), &st) == 0;
  if (path == config_path_ && (!exists || same_stat(st, config_stat_))) return false;
  config_path_ = path;
  config_stat_ = st;
  config_ = Config{};
  if (exists) {
    if (auto c = load_config(path, errors)) config_ = std::move(*c);
  }
  return true;
}

std::shared_ptr<const Judgement> Workspace::judge(
    const std::map<std::string, std::string>& overlays) {
  const auto start = std::chrono::steady_clock::now();
  auto j = std::make_shared<Judgement>();
  if (refresh_config(j->config_errors)) {
    discovery_.reset();  // its excludes may have changed
    rules_.reset();
  }
  if (!discovery_) {
    DiscoverOptions d;
    d.paths = {root_};
    d.excludes = config_.exclude;
    discovery_ = discover(d);
  }
  LoadOptions lo;
  lo.discover.paths = {root_};
  lo.discovery = &*discovery_;
  lo.overlays = overlays;
  lo.cache = &cache_;
  // After the first load most files are reused: one thread does that faster than several.
  const unsigned jobs = cache_.files.empty() ? 0 : 1;
  lo.jobs = jobs;
  j->graph = load(lo).graph;
  j->parsed = cache_.misses;
  j->reused = cache_.hits;
  Graph& g = j->graph;
  g.environment_paths = config_.environments;

  // Every built-in rule, compiled once per configuration: files come and go.
  if (!rules_) {
    rules_ =
        std::make_shared<const std::vector<rules::Rule>>(configured_builtins(config_, nullptr));
  }
  j->rules = rules_;
  std::vector<const rules::Rule*> run;
  for (const auto& r : *rules_) {
    if (rule_selected(r, config_.select, config_.enable, config_.disable)) run.push_back(&r);
  }
  // Only the open documents are judged; the rest of the workspace is their context.
  std::vector<bool> open(g.files.size(), false);
  for (const auto& [path, text] : overlays) {
    const std::string rel = std::filesystem::path(path).lexically_relative(g.root).generic_string();
    if (const uint32_t f = g.file_index(rel); f != kNoFile) open[f] = true;
  }
  j->results = rules::evaluate(g, run, jobs, &open);
  SuppressOptions so = suppress_options(config_);
  so.judged = &open;
  apply_suppressions(g, j->results.findings, run, so);
  j->milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return j;
}

}  // namespace infralint::lsp
