#include "lsp/workspace.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

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

void Workspace::refresh_rules(std::vector<ConfigError>& errors) {
  namespace fs = std::filesystem;
  std::vector<std::string> folders;
  std::string key;
  for (const auto& d : config_.rule_folders) {
    folders.push_back((fs::path(config_path_).parent_path() / d).string());
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folders.back(), ec), end; !ec && it != end;
         it.increment(ec)) {
      struct stat st {};
      if (::stat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        key += it->path().string() + " " + std::to_string(st.st_size) + " " +
               std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
      }
    }
  }
  if (rules_ && key == rules_key_) return;
  rules_key_ = std::move(key);
  // Every built-in rule (files come and go), then the folders' rules; a duplicate id is an error.
  std::vector<rules::Rule> all = configured_builtins(config_, nullptr);
  std::set<std::string> ids;
  for (const auto& r : all) ids.insert(r.id);
  std::vector<rules::LoadError> load_errors;
  for (const auto& d : folders) {
    for (auto& r : rules::load_rule_dir(d, load_errors)) {
      if (!ids.insert(r.id).second) {
        load_errors.push_back(rules::LoadError{r.source, 0, 0, "duplicate rule id " + r.id});
        continue;
      }
      all.push_back(std::move(r));
    }
  }
  for (const auto& e : load_errors)
    errors.push_back(ConfigError{e.file, Position{e.line, e.column}, e.message});
  rules_ = std::make_shared<const std::vector<rules::Rule>>(std::move(all));
}

std::shared_ptr<const Judgement> Workspace::judge(std::map<std::string, std::string> overlays) {
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
  lo.overlays = std::move(overlays);
  lo.cache = &cache_;
  // After the first load most files are reused: one thread does that faster than several.
  const unsigned jobs = cache_.files.empty() ? 0 : 1;
  lo.jobs = jobs;
  j->graph = load(lo).graph;
  j->parsed = cache_.misses;
  j->reused = cache_.hits;
  Graph& g = j->graph;
  g.environment_paths = config_.environments;

  refresh_rules(j->config_errors);
  j->rules = rules_;
  std::vector<const rules::Rule*> run;
  for (const auto& r : *rules_) {
    if (rule_selected(r, config_.select, config_.enable, config_.disable)) run.push_back(&r);
  }
  // Only the open documents are judged; the rest of the workspace is their context.
  std::vector<bool> open(g.files.size(), false);
  for (const auto& [path, text] : lo.overlays) {
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
