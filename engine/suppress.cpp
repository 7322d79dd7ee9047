#include "engine/suppress.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "engine/glob.hpp"
#include "engine/text.hpp"

namespace infralint {

namespace {

std::vector<std::string> split_ids(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Where a directive applies.
enum class Placement {
  Line,    // trails the finding's line, or stands above it or above an enclosing header
  Next,    // stands on the line above the finding's line (hadolint, tflint, kics ignore-line)
  Block,   // stands above an enclosing block's or the resource's header (kics ignore-block)
  Inside,  // anywhere inside the resource's block (checkov:skip)
  File,    // the whole file
};

struct Directive {
  uint32_t file = kNoFile;
  uint32_t line = 0;  // 1-based
  uint32_t column = 0;
  bool standalone = false;
  std::string tool;  // "infralint" or the peer: checkov, kics, hadolint, trivy, tflint
  Placement placement = Placement::Line;
  std::vector<std::string> ids;  // empty: every rule the peer knows
  std::string reason;
  std::string until;
  bool has_reason = false;
  bool used = false;
};

const RE2& reason_re() {
  static const RE2 re(R"re(\breason\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'))re");
  return re;
}
// reason="a \"quoted\" word": backslash escapes the next character.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

const RE2& until_re() {
  static const RE2 re(R"(\buntil\s*=\s*(\d{4}-\d{2}-\d{2}))");
  return re;
}

// The comment part of a line: from the first '#' (or '//' in Terraform) outside quotes.
std::optional<size_t> comment_start(std::string_view line, bool slashes) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return i;
    } else if (slashes && c == '/' && i + 1 < line.size() &&
               (line[i + 1] == '/' || line[i + 1] == '*')) {
      return i;
    }
  }
  return std::nullopt;
}

void parse_comment(std::string_view comment, Directive base, std::vector<Directive>& out) {
  const std::string c(comment);
  const std::string l = ascii_lower(c);
  auto after = [&](const std::string& key) -> std::optional<std::string> {
    const size_t p = l.find(key);
    if (p == std::string::npos) return std::nullopt;
    return c.substr(p + key.size());
  };
  // infralint:ignore[-file] IDS reason="..." until=YYYY-MM-DD
  const bool file_wide = l.find("infralint:ignore-file") != std::string::npos;
  if (auto rest = after(file_wide ? "infralint:ignore-file" : "infralint:ignore")) {
    Directive d = base;
    d.tool = "infralint";
    d.placement = file_wide ? Placement::File : Placement::Line;
    // The ids: everything before the first key=value.
    const size_t eq = rest->find('=');
    std::string ids_part = *rest;
    if (eq != std::string::npos) {
      const size_t key = rest->find_last_of(" \t", eq);
      ids_part = rest->substr(0, key == std::string::npos ? 0 : key);
    }
    d.ids = split_ids(ids_part);
    std::string r1, r2;
    d.has_reason = RE2::PartialMatch(*rest, reason_re(), &r1, &r2) && !(r1 + r2).empty();
    d.reason = unescape(r1 + r2);
    RE2::PartialMatch(*rest, until_re(), &d.until);
    out.push_back(std::move(d));
    return;
  }
  // Peers' skips need no reason (DECISIONS.md 19).
  auto peer = [&](const std::string& tool, Placement p, std::vector<std::string> ids,
                  std::string reason = "") {
    Directive d = base;
    d.tool = tool;
    d.placement = p;
    d.ids = std::move(ids);
    d.reason = reason.empty() ? tool + " skip" : reason;
    d.has_reason = true;
    out.push_back(std::move(d));
  };
  auto word = [](const std::string& rest) { return rest.substr(0, rest.find_first_of(" \t")); };
  if (auto skip = after("checkov:skip=")) {
    const std::string spec = word(*skip);
    const size_t colon = spec.find(':');
    std::string reason = colon == std::string::npos ? "" : skip->substr(colon + 1);
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back())))
      reason.pop_back();
    peer("checkov", Placement::Inside, split_ids(spec.substr(0, colon)), reason);
    return;
  }
  if (l.find("kics-scan ignore-line") != std::string::npos)
    return peer("kics", Placement::Next, {});
  if (l.find("kics-scan ignore-block") != std::string::npos)
    return peer("kics", Placement::Block, {});
  if (auto ids = after("kics-scan disable="))
    return peer("kics", Placement::File, split_ids(word(*ids)));
  if (auto ids = after("hadolint global ignore="))
    return peer("hadolint", Placement::File, split_ids(word(*ids)));
  if (auto ids = after("hadolint ignore="))
    return peer("hadolint", Placement::Next, split_ids(word(*ids)));
  if (auto ids = after("trivy:ignore:"))
    return peer("trivy", Placement::Line, split_ids(word(*ids)));
  if (auto ids = after("tflint-ignore:")) {
    auto list = split_ids(*ids);
    if (list.size() == 1 && list[0] == "all") list.clear();
    peer("tflint", Placement::Next, list);
  }
}

std::vector<Directive> scan_file(const SourceFile& src, uint32_t file, bool slashes) {
  std::vector<Directive> out;
  const std::string_view text = src.text();
  static constexpr std::string_view kMarkers[] = {"infralint:", "checkov:", "kics-scan",
                                                  "hadolint",   "trivy:",   "tflint-ignore"};
  if (std::none_of(std::begin(kMarkers), std::end(kMarkers),
                   [&](std::string_view m) { return text.find(m) != std::string_view::npos; })) {
    return out;
  }
  for (uint32_t i = 0; i < src.line_count(); ++i) {
    const std::string_view line = src.line_text(i);
    const auto at = comment_start(line, slashes);
    if (!at) continue;
    const std::string_view comment = line.substr(*at);
    Directive base;
    base.file = file;
    base.line = i + 1;
    base.column = static_cast<uint32_t>(*at) + 1;
    base.standalone = line.find_first_not_of(" \t") == *at;
    parse_comment(comment, base, out);
  }
  return out;
}

bool names_rule(const std::vector<std::string>& ids, const rules::Rule& r) {
  return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
    return id == r.id || id == r.section || ascii_lower(id) == "all";
  });
}

bool names_peer(const Directive& d, const rules::Rule& r) {
  auto it = r.peer_ids.find(d.tool);
  if (it == r.peer_ids.end() || it->second.empty()) return false;
  if (d.ids.empty()) return true;
  return std::any_of(d.ids.begin(), d.ids.end(), [&](const std::string& id) {
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& p) { return ascii_lower(p) == ascii_lower(id); });
  });
}

// The lines of the headers that enclose a finding: the resource's, and each key on its path.
std::set<uint32_t> header_lines(const Graph& g, const Resource& res, const rules::Finding& f) {
  std::set<uint32_t> out;
  if (res.file != kNoFile) out.insert(g.position(res.file, res.span.begin).line);
  const Value* v = &res.attributes;
  size_t start = 0;
  while (v && start <= f.path.size() && !f.path.empty()) {
    const size_t dot = f.path.find('.', start);
    const std::string part =
        f.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const Value* next = nullptr;
    if (v->is_map()) {
      if (const MapEntry* e = v->entry(part)) {
        if (v->file == f.file || e->value.file == f.file)
          out.insert(g.position(f.file, e->key_span.begin).line);
        next = &e->value;
      }
    } else if (v->is_list() && !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
                 return std::isdigit(static_cast<unsigned char>(c));
               })) {
      const size_t i = std::stoul(part);
      if (i < v->items.size()) {
        next = &v->items[i];
        if (next->file == f.file) out.insert(g.position(f.file, next->span.begin).line);
      }
    }
    v = next;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool applies(const Directive& d, uint32_t line, const std::set<uint32_t>& headers, const Graph& g,
             const Resource& res) {
  auto above = [&](uint32_t target) { return d.standalone && d.line + 1 == target; };
  switch (d.placement) {
    case Placement::File:
      return true;
    case Placement::Line:
      return d.line == line || above(line) ||
             std::any_of(headers.begin(), headers.end(), [&](uint32_t h) { return above(h); });
    case Placement::Next:
      return above(line) || d.line == line;
    case Placement::Block:
      return std::any_of(headers.begin(), headers.end(), [&](uint32_t h) { return above(h); });
    case Placement::Inside: {
      if (res.file != d.file) return false;
      const uint32_t first = g.position(res.file, res.span.begin).line;
      const uint32_t last = g.position(res.file, res.span.end).line;
      return d.line >= first && d.line <= last;
    }
  }
  return false;
}

Diagnostic diag(const Graph& g, const Directive& d, Severity s, std::string msg) {
  return Diagnostic{s, g.files[d.file].path, Position{d.line, d.column}, std::move(msg)};
}

}  // namespace

std::string today_utc() {
  if (const char* t = std::getenv("INFRALINT_TODAY"); t && *t) return t;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void apply_suppressions(Graph& g, std::vector<rules::Finding>& findings,
                        const std::vector<const rules::Rule*>& rules_run,
                        const SuppressOptions& o) {
  // Directives of the files that have findings, or that carry infralint directives of their own.
  std::map<uint32_t, std::vector<Directive>> by_file;
  if (o.inline_comments) {
    std::vector<bool> read;
    if (o.judged) {
      read = *o.judged;
      read.resize(g.files.size(), false);
      for (const auto& f : findings) {
        for (uint32_t file : {f.file, g.resources[f.resource].file}) {
          if (file < read.size()) read[file] = true;
        }
      }
    }
    for (uint32_t i = 0; i < g.files.size(); ++i) {
      const FileEntry& fe = g.files[i];
      if (!fe.source || fe.format == "manifest" || (o.judged && !read[i])) continue;
      auto ds = scan_file(*fe.source, i, fe.format == "terraform");
      if (!o.peers) {
        ds.erase(std::remove_if(ds.begin(), ds.end(),
                                [](const Directive& d) { return d.tool != "infralint"; }),
                 ds.end());
      }
      if (!ds.empty()) by_file[i] = std::move(ds);
    }
  }
  std::vector<std::pair<std::unique_ptr<IgnoreRules>, const PathIgnore*>> path_ignores;
  for (const auto& pi : o.ignores) {
    auto m = std::make_unique<IgnoreRules>();
    m->add(pi.path);
    path_ignores.emplace_back(std::move(m), &pi);
  }
  auto expired = [&](const std::string& until) { return !until.empty() && until < o.today; };
  std::set<std::pair<uint32_t, uint32_t>> reported;  // directives already diagnosed
  for (auto& f : findings) {
    const Resource& res = g.resources[f.resource];
    const uint32_t line = f.file == kNoFile ? 0 : g.position(f.file, f.span.begin).line;
    // The enclosing headers matter only where a comment could stand above them.
    const bool commented = by_file.count(f.file) > 0 || by_file.count(res.file) > 0;
    const auto headers = commented ? header_lines(g, res, f) : std::set<uint32_t>{};
    std::optional<rules::Suppression> best;
    auto offer = [&](rules::Suppression s) {
      // An active suppression beats an expired one; the first active one wins.
      if (!best || (best->expired && !s.expired)) best = std::move(s);
    };
    for (uint32_t file : {f.file, res.file}) {
      auto it = by_file.find(file);
      if (it == by_file.end()) continue;
      for (auto& d : it->second) {
        const bool ours = d.tool == "infralint";
        if (ours ? !names_rule(d.ids, *f.rule) : !names_peer(d, *f.rule)) continue;
        if (!applies(d, line, headers, g, res)) continue;
        d.used = true;
        if (!d.has_reason) continue;  // diagnosed below; it suppresses nothing
        offer(rules::Suppression{ours ? "inline" : "peer", d.reason, d.until, expired(d.until)});
        if (ours && expired(d.until) && reported.insert({d.file, d.line}).second) {
          g.diagnostics.push_back(diag(g, d, Severity::Warning,
                                       "the suppression of " + f.rule->id + " expired on " +
                                           d.until + ": the finding is reported again"));
        }
      }
      if (file == res.file) break;
    }
    // The Kubernetes annotation infralint.io/ignore: "IL201=reason; IL906=reason".
    if (o.inline_comments) {
      if (const Value* a = res.attributes.at({"metadata", "annotations"})) {
        if (const Value* ign = a->get("infralint.io/ignore"); ign && ign->is_string()) {
          std::string spec = ign->text;
          size_t start = 0;
          while (start < spec.size()) {
            size_t end = spec.find_first_of(";\n", start);
            if (end == std::string::npos) end = spec.size();
            const std::string item = spec.substr(start, end - start);
            const size_t eq = item.find('=');
            const auto ids = split_ids(item.substr(0, eq));
            const std::string reason = eq == std::string::npos ? "" : item.substr(eq + 1);
            if (names_rule(ids, *f.rule) && !reason.empty())
              offer(rules::Suppression{"inline", reason, "", false});
            start = end + 1;
          }
        }
      }
    }
    if (f.file != kNoFile) {
      for (const auto& [matcher, pi] : path_ignores) {
        if ((pi->rules.empty() || names_rule(pi->rules, *f.rule)) &&
            matcher->match(g.files[f.file].path, false) == IgnoreRules::Match::Ignored) {
          offer(rules::Suppression{"config", pi->reason, pi->until, expired(pi->until)});
        }
      }
    }
    if (best) f.suppression = std::move(best);
  }
  // Directives that suppress nothing: without a reason, or matching no finding.
  std::set<std::string> ran;
  for (const auto* r : rules_run) {
    ran.insert(r->id);
    ran.insert(r->section);
  }
  for (const auto& [file, ds] : by_file) {
    for (const auto& d : ds) {
      if (d.tool != "infralint") continue;
      if (!d.has_reason) {
        g.diagnostics.push_back(diag(g, d, Severity::Warning,
                                     "infralint:ignore needs reason=\"...\"; without one it "
                                     "suppresses nothing"));
      } else if (!d.used && std::any_of(d.ids.begin(), d.ids.end(),
                                        [&](const std::string& id) { return ran.count(id) > 0; })) {
        std::string ids;
        for (const auto& id : d.ids) ids += (ids.empty() ? "" : ",") + id;
        g.diagnostics.push_back(
            diag(g, d, Severity::Info, "unused suppression: " + ids + " reports nothing here"));
      }
    }
  }
}

}  // namespace infralint
