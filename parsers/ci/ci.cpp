#include "parsers/ci/ci.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "engine/glob.hpp"
#include "engine/paths.hpp"

namespace infralint::ci {

namespace {

bool is_full_sha(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

}  // namespace

Value parse_uses(const Value& uses) {
  Value m = Value::map(uses.file, uses.span);
  auto put = [&](const char* k, std::string s) {
    m.set(k, Value::string(std::move(s), uses.file, uses.span), uses.span);
  };
  const std::string t(uses.scalar_text());
  if (t.rfind("./", 0) == 0 || t.rfind("../", 0) == 0) {
    put("kind", "local");
    put("path", t);
    return m;
  }
  if (t.rfind("docker://", 0) == 0) {
    put("kind", "docker");
    put("image", t.substr(9));
    return m;
  }
  put("kind", "action");
  const size_t at = t.find('@');
  const std::string name = t.substr(0, at);
  const std::string ref = at == std::string::npos ? "" : t.substr(at + 1);
  const size_t s1 = name.find('/');
  put("owner", name.substr(0, s1));
  if (s1 != std::string::npos) {
    const size_t s2 = name.find('/', s1 + 1);
    put("repo", name.substr(s1 + 1, s2 == std::string::npos ? std::string::npos : s2 - s1 - 1));
    if (s2 != std::string::npos) put("path", name.substr(s2 + 1));
  }
  put("ref", ref);
  m.set("pinned_sha", Value::of_bool(is_full_sha(ref), uses.file, uses.span), uses.span);
  return m;
}

void build_workflow(const Value& root, const SourceFile& src, uint32_t file, ParseOutput& out) {
  if (!root.is_map()) {
    if (!root.is_null())
      out.diag(Severity::Error, src, root.span.begin, "a workflow must be a mapping");
    return;
  }
  const std::string base = "github:" + src.path();
  const uint32_t wf = out.add(make_resource("github_workflow", "github-workflow", src.path(), base,
                                            file, Span{root.span.begin, root.span.begin}, root));
  const Value* jobs = root.get("jobs");
  if (!jobs || !jobs->is_map()) return;
  std::vector<std::pair<std::string, uint32_t>> ids;
  for (const auto& j : jobs->entries) {
    Value attrs = j.value;
    if (Value* steps = attrs.get("steps"); steps && steps->is_list()) {
      for (auto& step : steps->items) {
        if (const Value* uses = step.get("uses"); uses && uses->is_string()) {
          Value parsed = parse_uses(*uses);
          step.set("uses_ref", std::move(parsed), uses->span);
        }
      }
    }
    if (const Value* uses = attrs.get("uses"); uses && uses->is_string()) {  // a reusable workflow
      attrs.set("uses_ref", parse_uses(*uses), uses->span);
    }
    const uint32_t id =
        out.add(make_resource("github_job", "github-workflow", j.key, base + "#" + j.key, file,
                              Span{j.key_span.begin, j.value.span.end}, std::move(attrs)));
    out.edges.push_back(LocalEdge{wf, id, "has_job"});
    ids.emplace_back(j.key, id);
  }
  for (const auto& [name, id] : ids) {
    const Value* needs = out.resources[id].attributes.get("needs");
    if (!needs) continue;
    std::vector<std::string> names;
    if (needs->is_string()) names.push_back(needs->text);
    for (const auto& n : needs->items) names.emplace_back(n.scalar_text());
    for (const auto& n : names) {
      for (const auto& [other, oid] : ids) {
        if (other == n) out.edges.push_back(LocalEdge{id, oid, "needs"});
      }
    }
  }
}

void build_dependabot(const Value& root, const SourceFile& src, uint32_t file, ParseOutput& out) {
  if (!root.is_map()) {
    if (!root.is_null())
      out.diag(Severity::Error, src, root.span.begin, "a dependabot config must be a mapping");
    return;
  }
  out.add(make_resource("dependabot_config", "dependabot", src.path(), "dependabot:" + src.path(),
                        file, Span{root.span.begin, root.span.begin}, root));
}

namespace {

std::string trim_slashes(std::string_view d) {
  while (!d.empty() && d.front() == '/') d.remove_prefix(1);
  while (!d.empty() && d.back() == '/') d.remove_suffix(1);
  if (d == ".") return "";
  return std::string(d);
}

bool ecosystem_covers(std::string_view configured, std::string_view manifest) {
  if (configured == manifest) return true;
  if (manifest == "pip") return configured == "uv";
  if (manifest == "npm") return configured == "bun";
  if (manifest == "docker") return configured == "docker-compose";
  return false;
}

bool directory_covers(const std::string& pattern, const std::string& dir) {
  if (pattern.find_first_of("*?[") == std::string::npos) return pattern == dir;
  if (pattern == "**") return true;
  return RE2::FullMatch(dir, RE2(glob_to_regex(pattern)));
}

}  // namespace

void link_dependabot(Graph& g) {
  std::vector<uint32_t> configs;
  for (uint32_t i = 0; i < g.resources.size(); ++i) {
    if (g.resources[i].type == "dependabot_config") configs.push_back(i);
  }
  if (configs.empty()) return;
  for (uint32_t m = 0; m < g.resources.size(); ++m) {
    const Resource& manifest = g.resources[m];
    if (manifest.type != "manifest") continue;
    const Value* eco = manifest.attributes.get("ecosystem");
    const Value* dir = manifest.attributes.get("directory");
    if (!eco || !dir) continue;
    const std::string manifest_dir = trim_slashes(dir->text);
    for (uint32_t c : configs) {
      // The repository root: the folder holding .github/dependabot.yml.
      const std::string repo = trim_slashes(path_dir(path_dir(g.files[g.resources[c].file].path)));
      if (!repo.empty() && manifest_dir != repo && manifest_dir.rfind(repo + "/", 0) != 0) continue;
      const std::string rel = repo.empty()           ? manifest_dir
                              : manifest_dir == repo ? ""
                                                     : manifest_dir.substr(repo.size() + 1);
      const Value* updates = g.resources[c].attributes.get("updates");
      if (!updates || !updates->is_list()) continue;
      const bool covered =
          std::any_of(updates->items.begin(), updates->items.end(), [&](const Value& u) {
            const Value* e = u.get("package-ecosystem");
            if (!e || !e->is_string() || !ecosystem_covers(e->text, eco->text)) return false;
            std::vector<std::string> patterns;
            if (const Value* d = u.get("directory"); d && d->is_string())
              patterns.push_back(trim_slashes(d->text));
            if (const Value* ds = u.get("directories"); ds && ds->is_list()) {
              for (const auto& d : ds->items) {
                if (d.is_string()) patterns.push_back(trim_slashes(d.text));
              }
            }
            return std::any_of(patterns.begin(), patterns.end(),
                               [&](const std::string& p) { return directory_covers(p, rel); });
          });
      if (covered) g.add_edge(m, c, "covered_by");
    }
  }
}

}  // namespace infralint::ci
