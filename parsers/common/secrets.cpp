#include "parsers/common/secrets.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "engine/text.hpp"

namespace infralint {

namespace {

// "DB_PASSWORD" -> db, password; "apiKey" -> api, key.
std::vector<std::string> words(std::string_view key) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (!w.empty()) out.push_back(std::move(w));
    w.clear();
  };
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(key[i - 1]))) flush();
    w += static_cast<char>(std::tolower(c));
  }
  flush();
  return out;
}

bool one_of(const std::string& w, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

// A value shaped like a known credential, whatever its key.
const RE2& credential_pattern() {
  static const RE2 re(
      "(AKIA[0-9A-Z]{16})|(-----BEGIN [A-Z ]*PRIVATE KEY-----)|(gh[pousr]_[A-Za-z0-9]{36})|"
      "(github_pat_[A-Za-z0-9_]{60,})|(xox[baprs]-[A-Za-z0-9-]{10,})|(sk_live_[0-9A-Za-z]{24,})|"
      "(AIza[0-9A-Za-z_-]{35})|(glpat-[0-9A-Za-z_-]{20})");
  return re;
}

// Not a secret: a placeholder, a path, an ARN, a reference to somewhere else.
bool literal_secret(const Value& v, std::string_view source_text) {
  if (!v.is_string() || v.text.empty()) return false;
  const std::string& s = v.text;
  if (source_text.find('$') != std::string_view::npos ||
      source_text.find("{{") != std::string_view::npos) {
    return false;  // ${X}, $X, ${{ secrets.X }}, {{ .Values.x }}
  }
  if (s.find('$') != std::string::npos || s.find("{{") != std::string::npos) return false;
  if (s.front() == '/' || s.rfind("./", 0) == 0 || s.rfind("arn:", 0) == 0 ||
      s.rfind("file:", 0) == 0 || s.find("://") != std::string::npos) {
    return false;
  }
  if (s.front() == '<' && s.back() == '>') return false;  // <your-token-here>
  // An identifier names a secret kept elsewhere (OPENAI_API_KEY, db-password-ref), it is not one.
  if (std::all_of(s.begin(), s.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '_';
      })) {
    return false;
  }
  const std::string l = ascii_lower(s);
  if (l == "null" || l == "none" || l == "true" || l == "false" || l == "changeme" ||
      l == "replace_me" || l == "redacted" || std::all_of(l.begin(), l.end(), [](char c) {
        return c == 'x' || c == '*' || c == '.' || c == '-';
      })) {
    return false;
  }
  return s.size() >= 4;
}

class Finder {
 public:
  Finder(const SourceLookup& source, Resource& r) : source_(source), r_(r) {}

  void walk(Value& v, const std::string& key, const std::string& path) {
    if (v.is_map()) {
      // A Kubernetes env entry {name: X, value: Y}: X names Y.
      const Value* name = v.get("name");
      Value* value = v.get("value");
      const bool pair = name && name->is_string() && value && v.entries.size() <= 3;
      if (pair) consider(*value, name->text, path + ".value");
      for (auto& e : v.entries) {
        if (skip(e.key) || (pair && e.key == "value")) continue;
        walk(e.value, e.key, path.empty() ? e.key : path + "." + e.key);
      }
      return;
    }
    if (v.is_list()) {
      for (size_t i = 0; i < v.items.size(); ++i) {
        Value& item = v.items[i];
        const std::string p = path + "." + std::to_string(i);
        // Compose's list form of environment: "KEY=value".
        if (item.is_string() && key == "environment") {
          const size_t eq = item.text.find('=');
          if (eq != std::string::npos && eq > 0) {
            consider(item, item.text.substr(0, eq), p, eq + 1);
            continue;
          }
        }
        walk(item, key, p);
      }
      return;
    }
    consider(v, key, path);
  }

  // A variable: its name names its default.
  void variable() {
    Value* def = r_.attributes.get("default");
    // A password is a string: a bool or number variable is a setting ("rotate_immediately").
    const Value* type = r_.attributes.get("type");
    const bool scalar_setting =
        (type && type->is_string() && (type->text == "bool" || type->text == "number")) ||
        (def && (def->kind == ValueKind::Bool || def->kind == ValueKind::Number));
    const bool keyword = secret_like_key(r_.name) && !scalar_setting;
    const Value* s = r_.attributes.get("sensitive");
    const bool marked = s && s->kind == ValueKind::Bool && s->boolean;
    if (!keyword) {
      if (def) walk(*def, r_.name, "default");
      return;
    }
    Facet f = facet(r_.name, "default");
    f.attributes.set("marked_sensitive", Value::of_bool(marked));
    if (def && written_here(*def) && literal_secret(*def, source_text(*def))) {
      def->sensitive = true;
      f.attributes.set("value", *def, def->span);
    }
    r_.facets.push_back(std::move(f));
  }

 private:
  bool skip(const std::string& key) const {
    // Derived views of what is walked elsewhere: a Dockerfile's raw instructions, a workflow's
    // jobs (each a resource of its own), a variable's resolved value.
    return (r_.type == "dockerfile_stage" && key == "instructions") ||
           (r_.type == "github_workflow" && key == "jobs") ||
           (r_.format == "github-workflow" && key == "permissions") ||  // id-token: write
           ((r_.type == "variable" || r_.type == "output") && key == "value") ||
           (r_.type == "Secret" && (key == "data" || key == "stringData"));
  }

  std::string_view source_text(const Value& v) const {
    const SourceFile* src = source_(v.file);
    if (!src || v.span.end <= v.span.begin || v.span.end > src->text().size()) return {};
    return std::string_view(src->text()).substr(v.span.begin, v.span.end - v.span.begin);
  }

  // Terraform: a string literal written inside this block. A value that comes from a variable,
  // a local or a function is placed at the expression that reads it; its text is no literal.
  bool written_here(const Value& v) const {
    if (r_.format != "terraform") return true;
    if (v.file != r_.file || v.span.begin < r_.span.begin || v.span.end > r_.span.end) return false;
    const std::string_view text = source_text(v);
    return !text.empty() && (text.front() == '"' || text.rfind("<<", 0) == 0);
  }

  Facet facet(const std::string& key, const std::string& path) const {
    Facet f;
    f.kind = "secret";
    f.name = key;
    f.path = path;
    f.attributes = Value::map();
    f.attributes.set("key", Value::string(key));
    return f;
  }

  // A value under a secret-like key becomes a `secret` facet: with `value` when it is written
  // here literally (a finding), without when it refers to somewhere else (a pass).
  void consider(Value& v, const std::string& key, const std::string& path, size_t skip = 0) {
    if (!v.is_string() && !v.is_unknown()) return;
    const bool keyword = secret_like_key(key);
    bool found = false;
    if (v.is_string() && written_here(v)) {
      if (keyword) {
        const std::string_view text = source_text(v);
        Value part = v;
        part.text = v.text.substr(std::min(skip, v.text.size()));
        found = literal_secret(part, text.substr(std::min(skip, text.size())));
      }
      found = found || RE2::PartialMatch(v.text, credential_pattern());
    }
    if (!found && !keyword) return;
    Facet f = facet(key, path);
    if (found) {
      v.sensitive = true;
      f.attributes.set("value", v, v.span);
    }
    r_.facets.push_back(std::move(f));
  }

  const SourceLookup& source_;
  Resource& r_;
};

}  // namespace

bool secret_like_key(std::string_view key) {
  const auto w = words(key);
  if (w.empty()) return false;
  // Where the last word naming a secret ends: "password", "secret", "token", "api key", ...
  size_t end = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string next = i + 1 < w.size() ? w[i + 1] : "";
    if (one_of(w[i], {"password", "passwd", "pwd", "secret", "token", "apikey", "passphrase",
                      "credential", "credentials", "privatekey", "secretkey", "accesskey"})) {
      end = i + 1;
    } else if ((one_of(w[i], {"api", "access", "private", "signing", "encryption", "master"}) &&
                next == "key") ||
               (w[i] == "auth" && next == "token")) {
      end = i + 2;
    }
  }
  if (end == 0) return false;
  // After it, only words that still describe the secret itself ("SECRET_KEY_BASE",
  // "secret_string"); "password_file", "secret_arn", "password_rotation_days" name something else.
  for (size_t i = end; i < w.size(); ++i) {
    if (!one_of(w[i], {"value", "string", "data", "base", "key", "b64", "base64", "plain",
                       "plaintext", "raw", "text", "hex", "pem"})) {
      return false;
    }
  }
  // A setting about secrets, not one: "enable_secret_sync", "manage_master_user_password",
  // "automount_service_account_token", "create_random_password".
  return !one_of(w.front(), {"enable",   "enabled",   "disable", "manage", "use",     "create",
                             "generate", "automount", "rotate",  "allow",  "require", "required",
                             "is",       "has",       "should",  "random", "min",     "max",
                             "num",      "include",   "store",   "skip",   "ignore",  "show",
                             "hide",     "reset",     "set",     "update", "restrict"});
}

namespace {

// Marks every string whose span holds a secret found elsewhere: the same value seen through
// another resource (a workflow's copy of its jobs) or inside a raw text (a Dockerfile's
// `ENV API_KEY=...` instruction).
void mark_copies(Value& v, const std::map<uint32_t, std::vector<Span>>& found) {
  if (v.is_string() && !v.sensitive) {
    auto it = found.find(v.file);
    if (it != found.end()) {
      for (const Span& s : it->second) {
        if (v.span.begin <= s.begin && s.end <= v.span.end && s.end > s.begin) {
          v.sensitive = true;
          break;
        }
      }
    }
  }
  for (auto& i : v.items) mark_copies(i, found);
  for (auto& e : v.entries) mark_copies(e.value, found);
}

}  // namespace

namespace {

bool holds_no_secrets(const Resource& r) {
  // Objects that point at secrets kept elsewhere, or hold them encrypted.
  return r.type == "ExternalSecret" || r.type == "SecretStore" || r.type == "ClusterSecretStore" ||
         r.type == "SealedSecret" || r.type == "PushSecret";
}

void find_in(Resource& r, const SourceLookup& source) {
  if (holds_no_secrets(r)) return;
  Finder finder(source, r);
  if (r.type == "variable" && r.format == "terraform") {
    finder.variable();
  } else {
    finder.walk(r.attributes, "", "");
  }
}

// Where the secrets found so far are: file -> spans.
std::map<uint32_t, std::vector<Span>> found_in(const std::vector<Resource>& resources) {
  std::map<uint32_t, std::vector<Span>> found;
  for (const auto& r : resources) {
    for (const auto& f : r.facets) {
      if (f.kind != "secret") continue;
      if (const Value* v = f.attributes.get("value"); v && v->file != kNoFile)
        found[v->file].push_back(v->span);
    }
  }
  return found;
}

void mark_copies(Resource& r, const std::map<uint32_t, std::vector<Span>>& found) {
  mark_copies(r.attributes, found);
  for (auto& f : r.facets) mark_copies(f.attributes, found);
}

}  // namespace

void find_secrets(std::vector<Resource>& resources, const SourceLookup& source) {
  for (auto& r : resources) find_in(r, source);
  const auto found = found_in(resources);
  if (found.empty()) return;
  for (auto& r : resources) mark_copies(r, found);
}

void find_compose_secrets(Graph& g) {
  const SourceLookup source = [&g](uint32_t f) { return g.source(f); };
  bool any = false;
  for (auto& r : g.resources) {
    if (r.format != "compose") continue;
    find_in(r, source);
    any = true;
  }
  if (!any) return;
  // A service holds values of its compose files and of the Dockerfiles it builds (an inherited
  // HEALTHCHECK): copies of secrets found in any of them.
  const auto found = found_in(g.resources);
  if (found.empty()) return;
  for (auto& r : g.resources) {
    if (r.format == "compose") mark_copies(r, found);
  }
}

}  // namespace infralint
