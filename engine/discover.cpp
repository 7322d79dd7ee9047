#include "engine/discover.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "engine/glob.hpp"
#include "engine/paths.hpp"

namespace fs = std::filesystem;

namespace infralint {

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool is_yaml_name(std::string_view name) {
  return ends_with(name, ".yaml") || ends_with(name, ".yml");
}

std::string read_small(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Path of `p` relative to `root` when it is inside it (both canonical), else nullopt-like "".
bool relative_inside(const fs::path& root, const fs::path& p, std::string& rel) {
  const std::string r = root.generic_string();
  const std::string s = p.generic_string();
  if (s == r) {
    rel.clear();
    return true;
  }
  const std::string prefix = r == "/" ? r : r + "/";
  if (!starts_with(s, prefix)) return false;
  rel = s.substr(prefix.size());
  return true;
}

struct IgnoreLayer {
  std::string dir;  // relative to the scan root
  IgnoreRules rules;
};

class Walker {
 public:
  Walker(const DiscoverOptions& opt, Discovery& out, fs::path root)
      : opt_(opt), out_(out), root_(std::move(root)) {
    for (const auto& e : opt_.excludes) excludes_.add(e);
  }

  void add_named_file(const fs::path& canonical, const std::string& rel, size_t order);
  void walk(const fs::path& canonical_dir, const std::string& rel_dir);

 private:
  bool ignored(const std::string& rel, bool is_dir) const;
  void add_file(const fs::path& canonical, const std::string& rel, bool named);
  void info(const std::string& path, std::string msg, Severity sev = Severity::Info) {
    out_.diagnostics.push_back(Diagnostic{sev, path, Position{}, std::move(msg)});
  }

  const DiscoverOptions& opt_;
  Discovery& out_;
  fs::path root_;
  IgnoreRules excludes_;
  std::vector<IgnoreLayer> layers_;
  std::set<std::string> seen_files_;
  std::set<std::string> seen_dirs_;
  std::vector<std::string> charts_;  // folders holding Chart.yaml, relative
  // What symlinks reach is walked after everything reached directly, so a file seen both
  // ways is listed under its real path.
  struct Deferred {
    fs::path target;
    std::string rel;
    bool is_dir;
  };
  std::vector<Deferred> deferred_;

 public:
  void walk_deferred() {
    while (!deferred_.empty()) {
      std::vector<Deferred> batch;
      batch.swap(deferred_);
      for (const auto& d : batch) {
        if (d.is_dir) {
          layers_.clear();
          walk(d.target, d.rel);
        } else {
          add_file(d.target, d.rel, false);
        }
      }
    }
  }
};

bool Walker::ignored(const std::string& rel, bool is_dir) const {
  if (excludes_.match(rel, is_dir) == IgnoreRules::Match::Ignored) return true;
  // The deepest .gitignore that has an opinion decides.
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    std::string_view sub = rel;
    if (!it->dir.empty()) {
      if (!starts_with(rel, it->dir + "/")) continue;
      sub.remove_prefix(it->dir.size() + 1);
    }
    const auto m = it->rules.match(sub, is_dir);
    if (m != IgnoreRules::Match::None) return m == IgnoreRules::Match::Ignored;
  }
  return false;
}

void Walker::add_file(const fs::path& canonical, const std::string& rel, bool named) {
  if (!seen_files_.insert(canonical.generic_string()).second) return;  // never twice
  for (const auto& chart : charts_) {
    if (starts_with(rel, chart.empty() ? std::string("templates/") : chart + "/templates/")) {
      return;  // reported once per chart
    }
  }
  std::string format = opt_.forced_type.empty() ? classify_by_name(rel) : opt_.forced_type;
  if (format.empty() && named) format = std::string(kSniffYaml);
  const std::string eco = manifest_ecosystem(rel);
  if (!eco.empty()) {
    std::string dir = eco == "github-actions" ? "/" : "/" + std::string(path_dir(rel));
    out_.manifests.push_back(ManifestRecord{rel, eco, dir});
  }
  if (format.empty()) return;
  out_.files.push_back(DiscoveredFile{rel, canonical.string(), format, named});
}

void Walker::add_named_file(const fs::path& canonical, const std::string& rel, size_t order) {
  const size_t before = out_.files.size();
  add_file(canonical, rel, true);
  if (out_.files.size() > before) out_.files.back().order = order;
}

void Walker::walk(const fs::path& start_dir, const std::string& start_rel) {
  // An explicit stack: folder depth never costs call-stack depth.
  struct Item {
    fs::path dir;
    std::string rel;
    size_t layer_depth;
  };
  std::vector<Item> stack{{start_dir, start_rel, layers_.size()}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    layers_.resize(std::min(layers_.size(), item.layer_depth));
    if (!seen_dirs_.insert(item.dir.generic_string()).second) continue;

    std::error_code ec;
    fs::directory_iterator it(item.dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      info(item.rel, "cannot read folder: " + ec.message(), Severity::Warning);
      continue;
    }
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    auto join = [&](const std::string& name) {
      return item.rel.empty() ? name : item.rel + "/" + name;
    };

    bool has_gitignore = false;
    for (const auto& e : entries) {
      const std::string name = e.path().filename().string();
      if (name == ".gitignore" && opt_.use_gitignore) has_gitignore = true;
      if (name == "Chart.yaml" || name == "Chart.yml") {
        charts_.push_back(item.rel);
        bool has_templates = false;
        for (const auto& t : entries) has_templates |= t.path().filename() == "templates";
        if (has_templates) {
          info(join(name),
               "Helm chart: templates are not plain YAML and are not scanned (pipe `helm template` "
               "output to `infralint scan - --type kubernetes`)");
        }
      }
    }
    if (has_gitignore) {
      IgnoreLayer layer;
      layer.dir = item.rel;
      layer.rules.add_file(read_small(item.dir / ".gitignore"));
      if (!layer.rules.empty()) layers_.push_back(std::move(layer));
    }
    const size_t depth = layers_.size();

    std::vector<Item> subdirs;
    for (const auto& e : entries) {
      const std::string name = e.path().filename().string();
      const std::string rel = join(name);
      std::error_code sec;
      const auto lst = e.symlink_status(sec);
      const fs::path& target = e.path();
      bool is_dir = fs::is_directory(lst);
      if (fs::is_symlink(lst)) {
        fs::path canon = fs::canonical(e.path(), sec);
        if (sec) {
          info(rel,
               sec == std::errc::too_many_symbolic_link_levels ? "symlink loop: not followed"
                                                               : "broken symlink: " + sec.message(),
               Severity::Warning);
          continue;
        }
        std::string inside;
        if (!relative_inside(root_, canon, inside)) {
          info(rel, "symlink points outside the scan root: not followed");
          continue;
        }
        is_dir = fs::is_directory(canon, sec);
        if (!is_dir && !fs::is_regular_file(canon, sec)) continue;
        if (is_dir ? !(name == ".git" || name == ".terraform" || name == "node_modules") &&
                         !ignored(rel, true)
                   : !ignored(rel, false)) {
          deferred_.push_back(Deferred{canon, rel, is_dir});
        }
        continue;
      }
      if (is_dir) {
        if (name == ".git" || name == ".terraform" || name == "node_modules") continue;
        if (ignored(rel, true)) continue;
        subdirs.push_back(Item{target, rel, depth});
        continue;
      }
      if (!fs::is_regular_file(fs::status(target, sec))) continue;
      if (ignored(rel, false)) continue;
      add_file(fs::canonical(target, sec), rel, false);
    }
    // Depth-first, in name order: push in reverse.
    for (auto it2 = subdirs.rbegin(); it2 != subdirs.rend(); ++it2) stack.push_back(*it2);
  }
}

fs::path common_dir(const std::vector<fs::path>& paths) {
  fs::path common = paths.front();
  for (const auto& p : paths) {
    fs::path acc;
    auto a = common.begin();
    auto b = p.begin();
    for (; a != common.end() && b != p.end() && *a == *b; ++a, ++b) acc /= *a;
    common = acc;
  }
  return common;
}

}  // namespace

bool is_format_name(std::string_view name) {
  return std::find(std::begin(kFormats), std::end(kFormats), name) != std::end(kFormats);
}

std::string classify_by_name(std::string_view rel) {
  const std::string_view name = path_base(rel);
  const std::string_view dir = path_dir(rel);
  if (ends_with(name, ".tf") || ends_with(name, ".tf.json") || ends_with(name, ".tfvars") ||
      ends_with(name, ".tfvars.json") || ends_with(name, ".tofu") ||
      ends_with(name, ".tofu.json")) {
    return "terraform";
  }
  if (name == "Dockerfile" || name == "Containerfile" ||
      ((starts_with(name, "Dockerfile.") || starts_with(name, "Dockerfile-") ||
        starts_with(name, "Containerfile.")) &&
       !ends_with(name, ".dockerignore")) ||
      ends_with(name, ".dockerfile") || ends_with(name, ".Dockerfile")) {
    return "dockerfile";
  }
  if (!is_yaml_name(name)) return "";
  if (dir == ".github/workflows" || ends_with(dir, "/.github/workflows")) return "github-workflow";
  if ((dir == ".github" || ends_with(dir, "/.github")) && starts_with(name, "dependabot.")) {
    return "dependabot";
  }
  if (starts_with(name, "docker-compose") || starts_with(name, "compose")) return "compose";
  return std::string(kSniffYaml);
}

std::string manifest_ecosystem(std::string_view rel) {
  const std::string_view name = path_base(rel);
  if ((starts_with(name, "requirements") && ends_with(name, ".txt")) || name == "pyproject.toml" ||
      name == "Pipfile") {
    return "pip";
  }
  if (name == "package.json") return "npm";
  if (name == "go.mod") return "gomod";
  if (name == "Gemfile") return "bundler";
  if (name == "pom.xml") return "maven";
  if (name == "build.gradle" || name == "build.gradle.kts") return "gradle";
  if (name == "Cargo.toml") return "cargo";
  if (name == "composer.json") return "composer";
  const std::string format = classify_by_name(rel);
  if (format == "dockerfile") return "docker";
  if (format == "github-workflow") return "github-actions";
  if (ends_with(name, ".tf")) return "terraform";
  return "";
}

namespace {

// DECISIONS.md 6: one folder is its own root; otherwise the working directory when every path is
// inside it, else the deepest common folder.
fs::path root_of(const std::vector<fs::path>& canon, const std::vector<bool>& is_dir) {
  std::error_code ec;
  if (canon.size() == 1 && is_dir[0]) return canon[0];
  const fs::path cwd_canon = fs::canonical(fs::current_path(ec), ec);
  bool all_inside = true;
  std::string rel;
  for (const auto& c : canon) all_inside &= relative_inside(cwd_canon, c, rel);
  if (all_inside) return cwd_canon;
  std::vector<fs::path> dirs;
  for (size_t i = 0; i < canon.size(); ++i)
    dirs.push_back(is_dir[i] ? canon[i] : canon[i].parent_path());
  return common_dir(dirs);
}

}  // namespace

std::string scan_root(std::vector<std::string> paths) {
  if (paths.empty()) paths.push_back(".");
  std::vector<fs::path> canon;
  std::vector<bool> is_dir;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path c = fs::canonical(fs::absolute(p == "-" ? "." : p, ec), ec);
    if (ec) continue;
    canon.push_back(c);
    is_dir.push_back(fs::is_directory(c, ec));
  }
  return canon.empty() ? std::string() : root_of(canon, is_dir).string();
}

Discovery discover(const DiscoverOptions& opt) {
  Discovery out;
  std::vector<std::string> paths = opt.paths;
  if (paths.empty()) paths.push_back(".");
  if (!opt.forced_type.empty() && !is_format_name(opt.forced_type)) {
    out.diagnostics.push_back(
        Diagnostic{Severity::Error, "", {}, "unknown --type " + opt.forced_type});
    out.usage_error = true;
    return out;
  }

  std::error_code ec;
  std::vector<fs::path> canon;
  std::vector<bool> is_dir;
  for (const auto& p : paths) {
    fs::path c = fs::canonical(fs::absolute(p, ec), ec);
    if (ec) {
      out.diagnostics.push_back(
          Diagnostic{Severity::Error, p, {}, "cannot open " + p + ": " + ec.message()});
      continue;
    }
    canon.push_back(c);
    is_dir.push_back(fs::is_directory(c, ec));
  }
  if (canon.empty()) {
    out.usage_error = true;
    return out;
  }

  const fs::path root = root_of(canon, is_dir);
  out.root = root.string();

  Walker walker(opt, out, root);
  for (size_t i = 0; i < canon.size(); ++i) {
    std::string rel;
    relative_inside(root, canon[i], rel);
    if (is_dir[i]) {
      walker.walk(canon[i], rel);
      walker.walk_deferred();
    } else {
      walker.add_named_file(canon[i], rel, i);
    }
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::sort(out.manifests.begin(), out.manifests.end(), [](const auto& a, const auto& b) {
    return std::tie(a.ecosystem, a.directory, a.path) < std::tie(b.ecosystem, b.directory, b.path);
  });
  return out;
}

}  // namespace infralint
