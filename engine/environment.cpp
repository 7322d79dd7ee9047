#include "engine/environment.hpp"

#include <array>
#include <memory>
#include <vector>

#include <cctype>
#include <string>
#include "engine/glob.hpp"
#include "engine/text.hpp"

namespace infralint {

std::string_view environment_name(Environment e) {
  switch (e) {
    case Environment::Production:
      return "production";
    case Environment::Development:
      return "development";
    case Environment::Unknown:
      break;
  }
  return "unknown";
}

Environment environment_of_text(std::string_view text) {
  static constexpr std::array<std::string_view, 2> kProduction = {"prod", "production"};
  static constexpr std::array<std::string_view, 5> kDevelopment = {"dev", "development", "local",
                                                                   "sandbox", "test"};
  Environment found = Environment::Unknown;
  std::string word;
  auto judge = [&] {
    for (auto w : kProduction) {
      if (word == w) found = Environment::Production;
    }
    for (auto w : kDevelopment) {
      if (word == w) found = Environment::Development;
    }
    word.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      judge();
    }
  }
  judge();
  return found;
}

namespace {

// env/environment/stage among a tag or label map (keys compared without case).
const Value* environment_label(const Value* labels) {
  if (!labels || !labels->is_map()) return nullptr;
  for (const auto& e : labels->entries) {
    const std::string k = ascii_lower(e.key);
    if (k == "env" || k == "environment" || k == "stage") return &e.value;
  }
  return nullptr;
}

}  // namespace

Environment environment_of(const Graph& g, const Resource& r) {
  const Value& a = r.attributes;
  if (r.type == "module") {
    // A Terraform module call's own input: environment = "development".
    if (const Value* v = environment_label(&a); v && v->is_string()) {
      const Environment e = environment_of_text(v->text);
      if (e != Environment::Unknown) return e;
    }
  }
  const Value* metadata = a.get("metadata");
  for (const Value* labels :
       {a.get("tags"), a.get("labels"), metadata ? metadata->get("labels") : nullptr}) {
    const Value* v = environment_label(labels);
    if (v && v->is_string()) {
      const Environment e = environment_of_text(v->text);
      if (e != Environment::Unknown) return e;
    }
  }
  if (r.file == kNoFile || r.file >= g.files.size()) return Environment::Unknown;
  // The deepest segment that names an environment decides ("test/prod/x.yml" is production).
  const std::string& path = g.files[r.file].path;
  Environment found = Environment::Unknown;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    const Environment e = environment_of_text(std::string_view(path).substr(begin, end - begin));
    if (e != Environment::Unknown) found = e;
    begin = end + 1;
  }
  return found;
}

std::vector<Environment> environments_of(const Graph& g, const std::vector<bool>* files) {
  std::vector<std::pair<std::unique_ptr<IgnoreRules>, Environment>> configured;
  for (const auto& [glob, env] : g.environment_paths) {
    auto m = std::make_unique<IgnoreRules>();
    m->add(glob);
    configured.emplace_back(std::move(m), environment_of_text(env));
  }
  std::vector<Environment> out;
  out.reserve(g.resources.size());
  for (const auto& r : g.resources) {
    Environment e = Environment::Unknown;
    if (files && (r.file >= files->size() || !(*files)[r.file])) {
      out.push_back(e);
      continue;
    }
    if (r.file < g.files.size()) {
      for (const auto& [m, env] : configured) {
        if (m->match(g.files[r.file].path, false) == IgnoreRules::Match::Ignored) {
          e = env;
          break;
        }
      }
    }
    out.push_back(e != Environment::Unknown ? e : environment_of(g, r));
  }
  return out;
}

}  // namespace infralint
