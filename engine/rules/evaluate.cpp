#include "engine/rules/evaluate.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "engine/environment.hpp"
#include "engine/parallel.hpp"
#include "engine/text.hpp"

namespace infralint::rules {

namespace {

std::string json_scalar(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number()) return format_number(j.get<double>());
  if (j.is_null()) return "null";
  return j.dump();
}

bool text_equals(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const std::string la = ascii_lower(a), lb = ascii_lower(b);
  return (la == "true" || la == "false") && la == lb;  // "True" == true
}

std::vector<std::string> json_list(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& e : j) out.push_back(json_scalar(e));
  } else if (!j.is_null()) {
    out.push_back(json_scalar(j));
  }
  return out;
}

std::optional<double> number(const std::string& s) {
  double d = 0;
  if (parse_number(s, d)) return d;
  return std::nullopt;
}

std::vector<const Value*> elements(const Value& v) {
  std::vector<const Value*> out;
  if (v.is_list()) {
    for (const auto& i : v.items) out.push_back(&i);
  } else {
    out.push_back(&v);
  }
  return out;
}

bool is_empty(const Value& v) {
  return v.is_null() || (v.is_string() && v.text.empty()) || (v.is_list() && v.items.empty()) ||
         (v.is_map() && v.entries.empty());
}

size_t words(const std::string& s) {
  std::istringstream in(s);
  size_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

struct Cidr {
  uint32_t addr = 0;
  int bits = 0;
};
std::optional<Cidr> cidr(const std::string& s) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  int bits = 32;
  char tail = 0;
  const int n = std::sscanf(s.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &bits, &tail);
  if (n < 4 || n == 6 || a > 255 || b > 255 || c > 255 || d > 255 || bits < 0 || bits > 32)
    return std::nullopt;
  Cidr r;
  r.bits = bits;
  r.addr = (a << 24) | (b << 16) | (c << 8) | d;
  if (bits < 32) r.addr &= bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return r;
}
bool cidr_inside(const Cidr& inner, const Cidr& outer) {
  if (inner.bits < outer.bits) return false;
  const uint32_t mask = outer.bits == 0 ? 0 : ~uint32_t{0} << (32 - outer.bits);
  return (inner.addr & mask) == outer.addr;
}

std::optional<std::pair<double, double>> range(const std::string& s) {
  const size_t dash = s.find('-', 1);
  if (dash == std::string::npos) {
    auto n = number(s);
    if (!n) return std::nullopt;
    return std::make_pair(*n, *n);
  }
  auto a = number(s.substr(0, dash));
  auto b = number(s.substr(dash + 1));
  if (!a || !b) return std::nullopt;
  return std::make_pair(*a, *b);
}

Tri tri(bool b) {
  return b ? Tri::True : Tri::False;
}

Tri length_compare(Op op, size_t len, const nlohmann::json& value) {
  auto n = number(json_scalar(value));
  if (!n) return Tri::False;
  const double l = static_cast<double>(len);
  switch (op) {
    case Op::LengthEquals:
    case Op::NumberOfWordsEquals:
      return tri(l == *n);
    case Op::LengthNotEquals:
    case Op::NumberOfWordsNotEquals:
      return tri(l != *n);
    case Op::LengthGreaterThan:
    case Op::NumberOfWordsGreaterThan:
      return tri(l > *n);
    case Op::LengthGreaterThanOrEqual:
    case Op::NumberOfWordsGreaterThanOrEqual:
      return tri(l >= *n);
    case Op::LengthLessThan:
    case Op::NumberOfWordsLessThan:
      return tri(l < *n);
    default:
      return tri(l <= *n);
  }
}

}  // namespace

Tri apply_operator(const Condition& c, const Value& v) {
  if (c.op == Op::References) {
    // A value Terraform computes from a resource (`aws_secretsmanager_secret.api.arn`) is
    // unknown, but it is known to be that resource's: an ARN of one secret is not a wildcard.
    if (!v.is_unknown()) return Tri::False;
    const size_t skip = v.text.rfind("data.", 0) == 0 ? 5 : 0;
    const size_t dot = v.text.find('.', skip);
    if (dot == std::string::npos) return Tri::Unknown;
    const std::string type = v.text.substr(0, dot);
    for (const auto& t : json_list(c.value)) {
      if (type_pattern_matches(t, type)) return Tri::True;
    }
    return Tri::Unknown;
  }
  if (v.is_unknown())
    return c.op == Op::Exists ? Tri::True : c.op == Op::NotExists ? Tri::False : Tri::Unknown;
  if (v.contains_unknown() && c.op != Op::Exists && c.op != Op::NotExists &&
      c.op != Op::IsNotEmpty && c.op != Op::IsEmpty) {
    // A list or map with an unknown inside: decide only where the known part decides.
    if (c.op == Op::Contains || c.op == Op::Intersects || c.op == Op::Any) {
      for (const Value* e : elements(v)) {
        if (!e->is_unknown() && apply_operator(c, *e) == Tri::True) return Tri::True;
      }
    }
    return Tri::Unknown;
  }
  const auto text = scalar_to_text(v);
  const std::string want = json_scalar(c.value);
  switch (c.op) {
    case Op::Exists:
      return Tri::True;
    case Op::NotExists:
      return Tri::False;
    case Op::Equals:
      return tri(text && text_equals(*text, want));
    case Op::NotEquals:
      return tri(!(text && text_equals(*text, want)));
    case Op::EqualsIgnoreCase:
      return tri(text && ascii_lower(*text) == ascii_lower(want));
    case Op::NotEqualsIgnoreCase:
      return tri(!(text && ascii_lower(*text) == ascii_lower(want)));
    case Op::RegexMatch:
    case Op::NotRegexMatch: {
      // Python's re.match: anchored at the start only.
      const bool m = text && c.regex && c.regex->ok() &&
                     c.regex->Match(*text, 0, text->size(), RE2::ANCHOR_START, nullptr, 0);
      return tri(c.op == Op::RegexMatch ? m : !m);
    }
    case Op::StartingWith:
      return tri(text && text->rfind(want, 0) == 0);
    case Op::NotStartingWith:
      return tri(!(text && text->rfind(want, 0) == 0));
    case Op::EndingWith:
    case Op::NotEndingWith: {
      const bool e = text && text->size() >= want.size() &&
                     text->compare(text->size() - want.size(), want.size(), want) == 0;
      return tri(c.op == Op::EndingWith ? e : !e);
    }
    case Op::Contains:
    case Op::NotContains: {
      bool found = false;
      if (v.is_string()) {
        found = v.text.find(want) != std::string::npos;
      } else if (v.is_list()) {
        for (const auto& i : v.items) {
          auto s = scalar_to_text(i);
          found |= s && text_equals(*s, want);
        }
      } else if (v.is_map()) {
        found = v.get(want) != nullptr;
      }
      return tri(c.op == Op::Contains ? found : !found);
    }
    case Op::Within:
    case Op::NotWithin: {
      bool in = false;
      for (const auto& w : json_list(c.value)) in |= text && text_equals(*text, w);
      return tri(c.op == Op::Within ? in : !in);
    }
    case Op::Any: {
      const auto wants = json_list(c.value);
      for (const Value* e : elements(v)) {
        auto s = scalar_to_text(*e);
        for (const auto& w : wants) {
          if (s && text_equals(*s, w)) return Tri::True;
        }
      }
      return Tri::False;
    }
    case Op::GreaterThan:
    case Op::GreaterThanOrEqual:
    case Op::LessThan:
    case Op::LessThanOrEqual: {
      double a = 0;
      double b = 0;
      if (!text || !parse_number(*text, a) || !parse_number(want, b)) return Tri::False;
      if (c.op == Op::GreaterThan) return tri(a > b);
      if (c.op == Op::GreaterThanOrEqual) return tri(a >= b);
      if (c.op == Op::LessThan) return tri(a < b);
      return tri(a <= b);
    }
    case Op::Subset:
    case Op::NotSubset: {
      const auto wants = json_list(c.value);
      bool all = true;
      for (const Value* e : elements(v)) {
        auto s = scalar_to_text(*e);
        all &= s && std::any_of(wants.begin(), wants.end(),
                                [&](const std::string& w) { return text_equals(*s, w); });
      }
      return tri(c.op == Op::Subset ? all : !all);
    }
    case Op::Intersects:
    case Op::NotIntersects: {
      const auto wants = json_list(c.value);
      bool any = false;
      for (const Value* e : elements(v)) {
        auto s = scalar_to_text(*e);
        any |= s && std::any_of(wants.begin(), wants.end(),
                                [&](const std::string& w) { return text_equals(*s, w); });
      }
      return tri(c.op == Op::Intersects ? any : !any);
    }
    case Op::IsEmpty:
      return tri(is_empty(v));
    case Op::IsNotEmpty:
      return tri(!is_empty(v));
    case Op::IsTrue:
      return tri(text && ascii_lower(*text) == "true");
    case Op::IsFalse:
      return tri(text && ascii_lower(*text) == "false");
    case Op::LengthEquals:
    case Op::LengthNotEquals:
    case Op::LengthGreaterThan:
    case Op::LengthGreaterThanOrEqual:
    case Op::LengthLessThan:
    case Op::LengthLessThanOrEqual: {
      size_t len = v.is_list()  ? v.items.size()
                   : v.is_map() ? v.entries.size()
                   : text       ? text->size()
                                : 0;
      if (v.is_string()) {
        len = 0;
        for (unsigned char ch : v.text) len += (ch & 0xC0) != 0x80;
      }
      return length_compare(c.op, len, c.value);
    }
    case Op::NumberOfWordsEquals:
    case Op::NumberOfWordsNotEquals:
    case Op::NumberOfWordsGreaterThan:
    case Op::NumberOfWordsGreaterThanOrEqual:
    case Op::NumberOfWordsLessThan:
    case Op::NumberOfWordsLessThanOrEqual:
      return length_compare(c.op, text ? words(*text) : 0, c.value);
    case Op::RangeIncludes:
    case Op::RangeNotIncludes: {
      // The attribute is a port range ("0-65535", 22, or a list of them); the value a number
      // or a range that must fall inside one of them.
      bool inside = false;
      for (const auto& w : json_list(c.value)) {
        auto want_range = range(w);
        if (!want_range) continue;
        for (const Value* e : elements(v)) {
          auto s = scalar_to_text(*e);
          auto r = s ? range(*s) : std::nullopt;
          inside |= r && r->first <= want_range->first && want_range->second <= r->second;
        }
      }
      return tri(c.op == Op::RangeIncludes ? inside : !inside);
    }
    case Op::References:
      return Tri::False;  // answered above
    case Op::CidrRangeSubset:
    case Op::CidrRangeNotSubset: {
      std::vector<Cidr> outer;
      for (const auto& w : json_list(c.value)) {
        if (auto x = cidr(w)) outer.push_back(*x);
      }
      bool all = true;
      for (const Value* e : elements(v)) {
        auto s = scalar_to_text(*e);
        auto inner = s ? cidr(*s) : std::nullopt;
        all &= inner && std::any_of(outer.begin(), outer.end(),
                                    [&](const Cidr& o) { return cidr_inside(*inner, o); });
      }
      return tri(c.op == Op::CidrRangeSubset ? all : !all);
    }
  }
  return Tri::False;
}

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '.') {
      out.push_back(cur);
      cur.clear();
    } else if (path[i] == '[') {  // a["k.with.dots"] or a[0]
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      const size_t close = path.find(']', i);
      std::string inner =
          path.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
      if (inner.size() >= 2 && (inner[0] == '"' || inner[0] == '\''))
        inner = inner.substr(1, inner.size() - 2);
      out.push_back(inner);
      i = close == std::string::npos ? path.size() : close;
      if (i + 1 < path.size() && path[i + 1] == '.') ++i;
    } else {
      cur += path[i];
    }
  }
  if (!cur.empty() || out.empty()) out.push_back(cur);
  return out;
}

// A string holding JSON (a policy document) is decoded before paths apply.
std::optional<Value> decode_json_string(const Value& v) {
  if (!v.is_string() || v.text.empty() || (v.text[0] != '{' && v.text[0] != '['))
    return std::nullopt;
  auto j = nlohmann::json::parse(v.text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  std::function<Value(const nlohmann::json&)> conv = [&](const nlohmann::json& x) -> Value {
    Value out;
    out.file = v.file;
    out.span = v.span;
    out.sensitive = v.sensitive;
    if (x.is_object()) {
      out.kind = ValueKind::Map;
      for (auto it = x.begin(); it != x.end(); ++it) out.set(it.key(), conv(it.value()), v.span);
    } else if (x.is_array()) {
      out.kind = ValueKind::List;
      for (const auto& e : x) out.items.push_back(conv(e));
    } else if (x.is_string()) {
      out.kind = ValueKind::String;
      out.text = x.get<std::string>();
    } else if (x.is_boolean()) {
      out = Value::of_bool(x.get<bool>(), v.file, v.span);
    } else if (x.is_number()) {
      out = Value::of_number(x.get<double>(), v.file, v.span);
    }
    out.sensitive = v.sensitive;
    return out;
  };
  return conv(j);
}

void walk(const Value& v, const std::vector<std::string>& parts, size_t i, std::vector<Value>& out,
          const Value** deepest, Span* deepest_key) {
  if (deepest) *deepest = &v;
  if (i == parts.size() || v.is_unknown()) {
    out.push_back(v);  // an unknown value stands for whatever lies below it too
    return;
  }
  if (v.is_string()) {
    if (auto decoded = decode_json_string(v)) {
      walk(*decoded, parts, i, out, nullptr, nullptr);
      return;
    }
  }
  const std::string& p = parts[i];
  if (p == "*") {
    if (v.is_list()) {
      for (const auto& item : v.items) walk(item, parts, i + 1, out, nullptr, nullptr);
    } else if (v.is_map()) {
      for (const auto& e : v.entries) walk(e.value, parts, i + 1, out, nullptr, nullptr);
    }
    return;
  }
  if (v.is_map()) {
    if (const MapEntry* child = v.entry(p)) {
      if (deepest_key) *deepest_key = child->key_span;
      walk(child->value, parts, i + 1, out, deepest, deepest_key);
    }
    return;
  }
  if (v.is_list()) {
    bool numeric = !p.empty() && std::all_of(p.begin(), p.end(), ::isdigit);
    if (numeric) {
      const size_t idx = std::stoul(p);
      if (idx < v.items.size()) walk(v.items[idx], parts, i + 1, out, deepest, deepest_key);
      return;
    }
    // A block written as a list (repeated or dynamic): the path applies to each element.
    for (const auto& item : v.items) walk(item, parts, i, out, nullptr, nullptr);
  }
}

}  // namespace

std::vector<Value> resolve_path(const Value& root, const std::string& path, const Value** deepest,
                                Span* deepest_key) {
  std::vector<Value> out;
  if (deepest) *deepest = &root;
  if (path == "$") {
    out.push_back(root);  // the value itself (an element of an `each`)
    return out;
  }
  walk(root, split_path(path), 0, out, deepest, deepest_key);
  return out;
}

std::vector<Value> resolve_jsonpath(const Value& root, const std::string& path) {
  // $, .key, ['key'], [n], [*], ..key, [?(@.key == value)], [?(@.key != value)]
  std::vector<Value> current{root};
  size_t i = 0;
  if (!path.empty() && path[0] == '$') i = 1;
  auto descendants = [](const Value& v, const std::string& key, std::vector<Value>& out,
                        auto& self) -> void {
    if (v.is_map()) {
      if (const Value* c = v.get(key)) out.push_back(*c);
      for (const auto& e : v.entries) self(e.value, key, out, self);
    } else if (v.is_list()) {
      for (const auto& item : v.items) self(item, key, out, self);
    }
  };
  while (i < path.size()) {
    // A string holding JSON (a policy document) is decoded before the next step applies.
    for (auto& v : current) {
      if (auto decoded = decode_json_string(v)) v = std::move(*decoded);
    }
    std::vector<Value> next;
    if (path.compare(i, 2, "..") == 0) {
      size_t j = i + 2;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      const std::string key = path.substr(i + 2, j - i - 2);
      for (const auto& v : current) descendants(v, key, next, descendants);
      i = j;
    } else if (path[i] == '.') {
      size_t j = i + 1;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      const std::string key = path.substr(i + 1, j - i - 1);
      for (const auto& v : current) {
        if (key == "*") {
          for (const auto& e : v.entries) next.push_back(e.value);
          for (const auto& item : v.items) next.push_back(item);
        } else if (const Value* c = v.get(key)) {
          next.push_back(*c);
        }
      }
      i = j;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) return {};
      std::string inner = path.substr(i + 1, close - i - 1);
      if (inner == "*") {
        for (const auto& v : current) {
          for (const auto& item : v.items) next.push_back(item);
          for (const auto& e : v.entries) next.push_back(e.value);
        }
      } else if (inner.size() >= 2 && (inner[0] == '\'' || inner[0] == '"')) {
        const std::string key = inner.substr(1, inner.size() - 2);
        for (const auto& v : current) {
          if (const Value* c = v.get(key)) next.push_back(*c);
        }
      } else if (inner.rfind("?(@.", 0) == 0) {
        // [?(@.key == value)] / !=
        const bool ne = inner.find("!=") != std::string::npos;
        const size_t op = inner.find(ne ? "!=" : "==");
        if (op == std::string::npos) return {};
        std::string key = inner.substr(4, op - 4);
        std::string want = inner.substr(op + 2);
        auto trim = [](std::string s) {
          while (!s.empty() && (s.back() == ' ' || s.back() == ')')) s.pop_back();
          while (!s.empty() && s.front() == ' ') s.erase(0, 1);
          if (s.size() >= 2 && (s[0] == '\'' || s[0] == '"')) s = s.substr(1, s.size() - 2);
          return s;
        };
        key = trim(key);
        want = trim(want);
        for (const auto& v : current) {
          for (const auto& item : v.items) {
            const Value* k = item.get(key);
            auto s = k ? scalar_to_text(*k) : std::nullopt;
            const bool eq = s && text_equals(*s, want);
            if (eq != ne) next.push_back(item);
          }
        }
      } else {
        auto n = number(inner);
        if (!n) return {};
        for (const auto& v : current) {
          if (v.is_list() && *n >= 0 && static_cast<size_t>(*n) < v.items.size())
            next.push_back(v.items[static_cast<size_t>(*n)]);
        }
      }
      i = close + 1;
    } else {
      return {};
    }
    current = std::move(next);
  }
  return current;
}

namespace {

struct Evidence {
  bool set = false;
  uint32_t file = kNoFile;
  Span span;
  std::string path;
  std::string text;
};

bool any_type_matches(const std::vector<std::string>& patterns, const std::string& type) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return type_pattern_matches(p, type); });
}

struct Subject {
  uint32_t resource;
  const Facet* facet;
  const Value& root() const;
};

// Connections count in either direction, and through a shared variable or local (Checkov's
// graph connects two resources that take the same one). Neighbours are one compressed table; a
// variable or local with many users gets its users indexed by type when first asked, so that a
// local used by 10,000 resources costs 10,000 entries, not 10,000 squared.
class Connections {
 public:
  explicit Connections(const Graph& g)
      : g_(g),
        start_(g.resources.size() + 1, 0),
        end_(g.resources.size()),
        once_(g.resources.size()),
        by_type_(g.resources.size()) {
    for (const auto& e : g.edges) {
      ++start_[e.from + 1];
      ++start_[e.to + 1];
    }
    std::partial_sum(start_.begin(), start_.end(), start_.begin());
    ids_.resize(start_.back());
    std::vector<uint32_t> fill(start_.begin(), start_.end() - 1);
    for (const auto& e : g.edges) {
      ids_[fill[e.from]++] = e.to;
      ids_[fill[e.to]++] = e.from;
    }
    for (size_t r = 0; r < end_.size(); ++r) {
      auto first = ids_.begin() + start_[r];
      std::sort(first, ids_.begin() + start_[r + 1]);
      end_[r] = start_[r] +
                static_cast<uint32_t>(std::unique(first, ids_.begin() + start_[r + 1]) - first);
    }
  }

  // The resources of `types` ("all" for any) connected to r.
  std::vector<uint32_t> of(uint32_t r, const std::vector<std::string>& types) const {
    auto wanted = [&](const std::string& t) { return any_type_matches(types, t); };
    std::vector<uint32_t> out;
    for (uint32_t k = start_[r]; k < end_[r]; ++k) {
      const uint32_t n = ids_[k];
      const std::string& t = g_.resources[n].type;
      if (wanted(t)) out.push_back(n);
      if (t != "variable" && t != "local") continue;
      if (end_[n] - start_[n] < kIndexed) {
        for (uint32_t m = start_[n]; m < end_[n]; ++m) {
          if (ids_[m] != r && wanted(g_.resources[ids_[m]].type)) out.push_back(ids_[m]);
        }
        continue;
      }
      for (const auto& [type, members] : users_by_type(n)) {
        if (!wanted(type)) continue;
        for (uint32_t m : members) {
          if (m != r) out.push_back(m);
        }
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  static constexpr uint32_t kIndexed = 64;  // neighbours from which a shared value is indexed

  const std::map<std::string, std::vector<uint32_t>>& users_by_type(uint32_t n) const {
    std::call_once(once_[n], [&] {
      for (uint32_t m = start_[n]; m < end_[n]; ++m)
        by_type_[n][g_.resources[ids_[m]].type].push_back(ids_[m]);
    });
    return by_type_[n];
  }

  const Graph& g_;
  std::vector<uint32_t> start_, end_, ids_;   // neighbours of r: ids_[start_[r], end_[r])
  mutable std::vector<std::once_flag> once_;  // rules run in parallel
  mutable std::vector<std::map<std::string, std::vector<uint32_t>>> by_type_;
};

class RuleRunner {
 public:
  RuleRunner(const Graph& g, const Rule& rule,
             const std::unordered_map<std::string, std::vector<uint32_t>>& by_type,
             const Connections& connections, const std::vector<Environment>& environments,
             const std::vector<bool>* files)
      : g_(g),
        rule_(rule),
        by_type_(by_type),
        connections_(connections),
        environments_(environments),
        files_(files) {}

  void run(Results& out);

 private:
  Tri eval(const Condition& c, uint32_t r, const Value& root, Evidence& ev,
           const std::vector<const Condition*>& peers);
  Tri attribute(const Condition& c, uint32_t r, const Value& root, Evidence& ev);
  Tri connection(const Condition& c, uint32_t r, const std::vector<const Condition*>& peers);
  Tri aggregate(const Condition& c, uint32_t r, Evidence& ev);
  Tri each(const Condition& c, uint32_t r, const Value& root, Evidence& ev);
  std::string group_key(const Condition& c, const Resource& res) const;
  // The resources of some types ("aws_*" patterns too), in graph order.
  std::vector<uint32_t> of_types(const std::vector<std::string>& types) const {
    std::vector<uint32_t> out;
    for (const auto& [type, ids] : by_type_) {
      if (any_type_matches(types, type)) out.insert(out.end(), ids.begin(), ids.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  struct Group {
    std::vector<uint32_t> members;  // those meeting the aggregate's `where`
    bool some_unknown = false;      // a member whose `where` is unknown
  };
  std::unordered_map<const Condition*, std::unordered_map<std::string, Group>> groups_;
  bool type_matches(const std::vector<std::string>& types, const Resource& res) const {
    if (rule_.facet.empty()) {
      return any_type_matches(types, res.type) ||
             (pod_view(res) && std::find(types.begin(), types.end(), "Pod") != types.end());
    }
    // Facet rules: "all", the facet kind, a resource type or a format.
    return std::any_of(types.begin(), types.end(), [&](const std::string& t) {
      return t == rule_.facet || t == res.format || type_pattern_matches(t, res.type);
    });
  }
  Finding finding(uint32_t r, const Facet* facet, const Value& root, const Evidence& ev) const;
  // A workload's pod template seen as a Pod (Checkov judges Pod rules on every workload).
  static const Facet* pod_view(const Resource& res) {
    for (const auto& f : res.facets) {
      if (f.kind == "pod") return &f;
    }
    return nullptr;
  }

  const Graph& g_;
  const Rule& rule_;
  const std::unordered_map<std::string, std::vector<uint32_t>>& by_type_;
  const Connections& connections_;
  const std::vector<Environment>& environments_;
  const std::vector<bool>* files_;  // judge only these files' resources (null: all)
};

Tri RuleRunner::attribute(const Condition& c, uint32_t r, const Value& root, Evidence& ev) {
  if (!type_matches(c.resource_types, g_.resources[r])) return Tri::NotApplicable;
  if (!c.value_attribute.empty()) {
    // Compared with another attribute of the same resource: unknown when that one is.
    const auto other = resolve_path(root, c.value_attribute);
    if (other.empty() || other[0].is_unknown()) return Tri::Unknown;
    auto s = scalar_to_text(other[0]);
    if (!s) return Tri::Unknown;
    Condition resolved = c;
    resolved.value_attribute.clear();
    double d = 0;
    resolved.value = other[0].kind == ValueKind::Number && parse_number(*s, d) ? nlohmann::json(d)
                                                                               : nlohmann::json(*s);
    return attribute(resolved, r, root, ev);
  }
  const Value* deepest = nullptr;
  Span deepest_key;
  std::vector<Value> values = c.jsonpath ? resolve_jsonpath(root, c.attribute)
                                         : resolve_path(root, c.attribute, &deepest, &deepest_key);
  // A null value counts as absent, as in Checkov's graph.
  values.erase(
      std::remove_if(values.begin(), values.end(), [](const Value& v) { return v.is_null(); }),
      values.end());
  auto note = [&](const Value* v, bool missing) {
    if (ev.set) return;
    ev.set = true;
    const Value* at = v ? v : deepest;
    if (at && at->file != kNoFile && at != &root) {
      ev.file = at->file;
      // Something missing inside a map, or a wrong map or list: point at the key that holds it
      // (DECISIONS.md 14), not at its first entry.
      const bool key_known =
          deepest_key.end > deepest_key.begin &&
          (!v || (!v->is_scalar() && c.attribute.find('*') == std::string::npos));
      ev.span = key_known ? deepest_key : at->span;
    }
    ev.path = missing ? "" : c.attribute;
    if (!missing && v) {
      auto s = scalar_to_text(*v);
      ev.text = s ? (v->sensitive ? std::string(s->substr(0, 2)) + "***" : *s) : "";
    }
  };
  if (values.empty()) {
    Tri t;
    switch (c.op) {
      case Op::NotExists:
      case Op::IsEmpty:
        t = Tri::True;
        break;
      default:
        t = is_negated(c.op) ? Tri::True : Tri::False;
    }
    if (t == Tri::False) note(nullptr, true);
    return t;
  }
  const bool all = is_negated(c.op);
  bool unknown = false;
  for (const auto& v : values) {
    const Tri t = apply_operator(c, v);
    if (t == Tri::Unknown) {
      unknown = true;
    } else if (all && t == Tri::False) {
      note(&v, false);
      return Tri::False;
    } else if (!all && t == Tri::True) {
      return Tri::True;
    }
  }
  if (unknown) return Tri::Unknown;
  if (!all) note(&values.front(), false);
  return all ? Tri::True : Tri::False;
}

Tri RuleRunner::connection(const Condition& c, uint32_t r,
                           const std::vector<const Condition*>& peers) {
  const Resource& res = g_.resources[r];
  if (!type_matches(c.resource_types, res)) return Tri::NotApplicable;
  // Attribute conditions of the same "and" on the connected types decide which connections count.
  size_t count = 0;
  bool unknown = false;
  std::vector<uint32_t> same_namespace;
  if (c.via == "namespace") {
    // Kubernetes: objects of the same namespace are connected; an unspecified namespace gives no
    // verdict (DECISIONS.md 5).
    if (res.ns.empty()) return Tri::Unknown;
    for (const auto& t : c.connected_types) {
      auto it = by_type_.find(t);
      if (it == by_type_.end()) continue;
      for (uint32_t n : it->second) {
        if (g_.resources[n].ns == res.ns) same_namespace.push_back(n);
      }
    }
  }
  const std::vector<uint32_t> candidates =
      c.via == "namespace" ? same_namespace : connections_.of(r, c.connected_types);
  for (uint32_t n : candidates) {
    const Resource& other = g_.resources[n];
    Tri ok = Tri::True;
    for (const Condition* p : peers) {
      if (p->kind != CondKind::Attribute) continue;
      const bool on_connected = std::all_of(
          p->resource_types.begin(), p->resource_types.end(), [&](const std::string& t) {
            return std::find(c.connected_types.begin(), c.connected_types.end(), t) !=
                   c.connected_types.end();
          });
      if (!on_connected || std::find(p->resource_types.begin(), p->resource_types.end(),
                                     other.type) == p->resource_types.end()) {
        continue;
      }
      Evidence ignored;
      const Tri t = attribute(*p, n, other.attributes, ignored);
      if (t == Tri::False) ok = Tri::False;
      if (t == Tri::Unknown && ok == Tri::True) ok = Tri::Unknown;
    }
    if (ok == Tri::True) ++count;
    if (ok == Tri::Unknown) unknown = true;
  }
  switch (c.conn_op) {
    case ConnOp::Exists:
      return count > 0 ? Tri::True : unknown ? Tri::Unknown : Tri::False;
    case ConnOp::NotExists:
      return count > 0 ? Tri::False : unknown ? Tri::Unknown : Tri::True;
    case ConnOp::OneExists:
      return count == 1 && !unknown ? Tri::True
             : count > 1            ? Tri::False
             : unknown              ? Tri::Unknown
                                    : Tri::False;
  }
  return Tri::False;
}

std::string RuleRunner::group_key(const Condition& c, const Resource& res) const {
  const std::string& a = res.address;
  if (c.group_by.empty()) return "*";
  if (c.group_by == "instances") {
    // The instances of one resource (count/for_each): the address without its instance key. A
    // resource without count or for_each is no group.
    return !a.empty() && a.back() == ']' ? a.substr(0, a.rfind('[')) : "";
  }
  if (c.group_by.rfind("connected:", 0) == 0) {
    // Grouped by the resource of a type it is connected to (the subnets of each VPC).
    const auto other =
        connections_.of(static_cast<uint32_t>(&res - g_.resources.data()), {c.group_by.substr(10)});
    return other.empty() ? "" : g_.resources[other.front()].address;
  }
  if (c.group_by == "module") {
    // Resources of one module instance: the address without TYPE.NAME[key].
    std::string base = !a.empty() && a.back() == ']' ? a.substr(0, a.rfind('[')) : a;
    const size_t name_dot = base.rfind('.');
    const size_t type_dot =
        name_dot == std::string::npos ? std::string::npos : base.rfind('.', name_dot - 1);
    return type_dot == std::string::npos ? "" : base.substr(0, type_dot);
  }
  auto values = resolve_path(res.attributes, c.group_by);
  if (values.empty()) return "<none>";
  if (values[0].is_unknown()) return "<unknown>";
  auto s = scalar_to_text(values[0]);
  return s ? *s : values[0].text;
}

Tri RuleRunner::aggregate(const Condition& c, uint32_t r, Evidence& ev) {
  const Resource& res = g_.resources[r];
  // A count over the whole scan speaks about any resource; a grouped one about its members.
  const bool scan_wide = c.group_by.empty();
  if (!scan_wide && !type_matches(c.resource_types, res)) return Tri::NotApplicable;
  auto& groups = groups_[&c];
  if (groups.empty()) {
    groups[""];  // computed once, even when nothing is of these types
    for (uint32_t n : of_types(c.resource_types)) {
      Group& group = groups[group_key(c, g_.resources[n])];
      Tri ok = Tri::True;
      if (!c.children.empty()) {
        Evidence ignored;
        ok = eval(c.children[0], n, g_.resources[n].attributes, ignored, {});
      }
      if (ok == Tri::True) group.members.push_back(n);
      if (ok == Tri::Unknown) group.some_unknown = true;
    }
  }
  const std::string key = scan_wide ? "*" : group_key(c, res);
  if (key.empty()) return Tri::NotApplicable;  // not part of any group
  if (key == "<unknown>") return Tri::Unknown;
  const Group& group = groups[key];
  const double want = c.value.get<double>();
  // A placeholder instance ([*], an unknown count), or a member whose `where` is unknown, stands
  // for any number of instances.
  bool open_ended = group.some_unknown;
  std::set<std::string> distinct;
  bool unknown_value = false;
  for (uint32_t m : group.members) {
    const std::string& addr = g_.resources[m].address;
    open_ended |= addr.size() >= 3 && addr.compare(addr.size() - 3, 3, "[*]") == 0;
    if (c.attribute.empty()) continue;
    for (const auto& v : resolve_path(g_.resources[m].attributes, c.attribute)) {
      if (v.is_unknown()) {
        unknown_value = true;
      } else if (auto s = scalar_to_text(v)) {
        distinct.insert(*s);
      }
    }
  }
  const double count = static_cast<double>(group.members.size());
  const double known = static_cast<double>(distinct.size());
  Tri t = Tri::False;
  switch (c.agg_op) {
    case AggOp::CountAtLeast:
      t = count >= want ? Tri::True : open_ended ? Tri::Unknown : Tri::False;
      break;
    case AggOp::CountAtMost:
      t = count > want ? Tri::False : open_ended ? Tri::Unknown : Tri::True;
      break;
    case AggOp::DistinctAtLeast:
      t = known >= want ? Tri::True : (unknown_value || open_ended) ? Tri::Unknown : Tri::False;
      break;
    case AggOp::DistinctAtMost:
      t = known > want ? Tri::False : (unknown_value || open_ended) ? Tri::Unknown : Tri::True;
      break;
  }
  if (t == Tri::False && !ev.set && !c.attribute.empty()) {
    const auto own = resolve_path(res.attributes, c.attribute);
    if (!own.empty() && own[0].file != kNoFile) {
      ev.set = true;
      ev.file = own[0].file;
      ev.span = own[0].span;
      ev.path = c.attribute;
      auto s = scalar_to_text(own[0]);
      ev.text = s ? *s : "";
    }
  }
  return t;
}

Tri RuleRunner::each(const Condition& c, uint32_t r, const Value& root, Evidence& ev) {
  if (!type_matches(c.resource_types, g_.resources[r])) return Tri::NotApplicable;
  // Every element of the list(s) the path reaches (a block written once is a list of one) meets
  // the condition; none at all is vacuously true.
  // "a.*" walks the entries of the map at "a" by key, so that a finding names the entry.
  const bool entries =
      c.attribute.size() > 2 && c.attribute.compare(c.attribute.size() - 2, 2, ".*") == 0;
  const std::string path = entries ? c.attribute.substr(0, c.attribute.size() - 2) : c.attribute;
  std::vector<std::pair<std::string, const Value*>> elements;
  const auto values = resolve_path(root, path);
  bool unknown = false;
  for (const auto& v : values) {
    if (v.is_unknown()) {
      unknown = true;
    } else if (v.is_list()) {
      for (size_t i = 0; i < v.items.size(); ++i)
        elements.emplace_back(std::to_string(i), &v.items[i]);
    } else if (entries && v.is_map()) {
      for (const auto& e : v.entries) elements.emplace_back(e.key, &e.value);
    } else if (!v.is_null() && !entries) {
      elements.emplace_back("", &v);
    }
  }
  bool applicable = unknown;
  for (const auto& [index, element] : elements) {
    if (element->is_unknown()) {
      unknown = true;
      continue;
    }
    Evidence e;
    const Tri t = eval(c.children[0], r, *element, e, {});
    if (t == Tri::NotApplicable) continue;
    applicable = true;
    if (t == Tri::Unknown) unknown = true;
    if (t != Tri::False) continue;
    if (!ev.set) {
      ev = e;
      ev.set = true;
      if (ev.file == kNoFile && element->file != kNoFile) {
        // Something missing inside the element: point at the element.
        ev.file = element->file;
        ev.span = element->span;
      }
      const std::string prefix = path + (index.empty() ? "" : "." + index);
      ev.path = ev.path.empty() ? prefix : prefix + "." + ev.path;
    }
    return Tri::False;
  }
  if (unknown) return Tri::Unknown;
  return applicable || elements.empty() ? Tri::True : Tri::NotApplicable;
}

Tri RuleRunner::eval(const Condition& c, uint32_t r, const Value& root, Evidence& ev,
                     const std::vector<const Condition*>& peers) {
  switch (c.kind) {
    case CondKind::Aggregate:
      return aggregate(c, r, ev);
    case CondKind::Each:
      return each(c, r, root, ev);
    case CondKind::Filter:
      return Tri::NotApplicable;
    case CondKind::Attribute: {
      // On the connected side of a connection in the same "and", the condition filters
      // connections instead of judging this resource.
      for (const Condition* p : peers) {
        if (p->kind != CondKind::Connection) continue;
        const bool on_connected = std::all_of(
            c.resource_types.begin(), c.resource_types.end(), [&](const std::string& t) {
              return std::find(p->connected_types.begin(), p->connected_types.end(), t) !=
                     p->connected_types.end();
            });
        if (on_connected) return Tri::NotApplicable;
      }
      return attribute(c, r, root, ev);
    }
    case CondKind::Connection:
      return connection(c, r, peers);
    case CondKind::Not: {
      Evidence inner;
      const Tri t = eval(c.children[0], r, root, inner, {});
      if (t == Tri::True && !ev.set) ev.set = true;  // negation failed: point at the resource
      return t == Tri::True ? Tri::False : t == Tri::False ? Tri::True : t;
    }
    case CondKind::And:
    case CondKind::Or: {
      std::vector<const Condition*> kids;
      for (const auto& k : c.children) kids.push_back(&k);
      const bool is_and = c.kind == CondKind::And;
      bool applicable = false;
      bool unknown = false;
      // A failed "or" points where its last alternative failed: rules list the exemptions first
      // and the requirement last ("not a scanner, or fails the build").
      Evidence last_false;
      for (const auto& k : c.children) {
        Evidence e;
        const Tri t = eval(k, r, root, e, is_and ? kids : std::vector<const Condition*>{});
        if (t == Tri::NotApplicable) continue;
        applicable = true;
        if (t == Tri::Unknown) {
          unknown = true;
        } else if (is_and && t == Tri::False) {
          if (!ev.set) ev = e;
          return Tri::False;
        } else if (!is_and && t == Tri::True) {
          return Tri::True;
        } else if (!is_and) {
          last_false = e;
        }
      }
      if (!applicable) return Tri::NotApplicable;
      if (unknown) return Tri::Unknown;
      if (!is_and && !ev.set) ev = last_false;
      return is_and ? Tri::True : Tri::False;
    }
  }
  return Tri::NotApplicable;
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

Finding RuleRunner::finding(uint32_t r, const Facet* facet, const Value& root,
                            const Evidence& ev) const {
  const Resource& res = g_.resources[r];
  Finding f;
  f.rule = &rule_;
  f.resource = r;
  f.facet = facet ? facet->name : "";
  f.path =
      (facet && !facet->path.empty() ? facet->path + (ev.path.empty() ? "" : ".") : "") + ev.path;
  f.offending = ev.text;
  if (ev.set && ev.file != kNoFile) {
    f.file = ev.file;
    f.span = ev.span;
  } else {
    // Something missing: the resource's header line; for a repository rule, line 1 of the file
    // that creates the obligation.
    f.file = res.file;
    f.span = Span{res.span.begin, res.span.begin};
    if (rule_.repository_scope) f.span = Span{0, 0};
    if (facet && !facet->path.empty()) {
      // A facet inside the resource (a container of a pod spec): where that part starts.
      const auto part = resolve_path(res.attributes, facet->path);
      if (!part.empty() && part[0].file == res.file)
        f.span = Span{part[0].span.begin, part[0].span.begin};
    }
    if (const SourceFile* src = g_.source(res.file)) {
      const Position p = src->position(f.span.begin);
      const std::string_view line = src->line_text(p.line - 1);
      f.span.end = src->offset_of(p.line - 1, 0) + static_cast<uint32_t>(line.size());
    }
  }
  std::string msg = rule_.message.empty() ? rule_.name : rule_.message;
  auto replace = [&](const std::string& key, const std::string& with) {
    for (size_t pos = msg.find(key); pos != std::string::npos;
         pos = msg.find(key, pos + with.size())) {
      msg.replace(pos, key.size(), with);
    }
  };
  replace("{resource}", res.address);
  replace("{name}", facet ? facet->name : res.name);
  replace("{value}", ev.text);
  replace("{path}", f.path);
  // {attr:PATH}: an attribute of what was judged (masked when secret).
  for (size_t pos = msg.find("{attr:"); pos != std::string::npos; pos = msg.find("{attr:", pos)) {
    const size_t end = msg.find('}', pos);
    if (end == std::string::npos) break;
    const auto values = resolve_path(root, msg.substr(pos + 6, end - pos - 6));
    std::string text;
    if (!values.empty()) {
      if (auto s = scalar_to_text(values[0]))
        text = values[0].sensitive ? s->substr(0, 2) + "***" : *s;
    }
    msg.replace(pos, end + 1 - pos, text);
    pos += text.size();
  }
  f.message = msg;
  std::string normalized;
  for (char c : ev.text) {
    if (!std::isspace(static_cast<unsigned char>(c))) normalized += c;
  }
  const uint64_t h =
      fnv1a(rule_.id + '\0' + res.address + '\0' + f.facet + '\0' + f.path + '\0' + normalized);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  f.fingerprint = buf;
  return f;
}

void RuleRunner::run(Results& out) {
  std::vector<uint32_t> subjects;
  const bool all = std::find(rule_.scope_types.begin(), rule_.scope_types.end(), "all") !=
                       rule_.scope_types.end() ||
                   !rule_.facet.empty();
  if (rule_.repository_scope) {
    // One verdict for the scan: the first resource of the first filter type that has any.
    for (const auto& t : rule_.subject_order) {
      const auto found = of_types({t});
      if (found.empty()) continue;
      subjects.push_back(*std::min_element(found.begin(), found.end(), [&](uint32_t a, uint32_t b) {
        const Resource& x = g_.resources[a];
        const Resource& y = g_.resources[b];
        return std::tie(g_.files[x.file].path, x.span.begin) <
               std::tie(g_.files[y.file].path, y.span.begin);
      }));
      break;
    }
  } else if (all) {
    for (uint32_t i = 0; i < g_.resources.size(); ++i) subjects.push_back(i);
  } else {
    subjects = of_types(rule_.scope_types);
  }
  auto judge = [&](uint32_t r, const Facet* facet, const Value& root) {
    Evidence ev;
    Tri t = Tri::Unknown;
    const Environment env = environments_[r];
    if (rule_.environments.empty()) {
      t = eval(rule_.definition, r, root, ev, {});
    } else if (env == Environment::Unknown) {
      return;  // an environment-dependent rule gives no verdict (DECISIONS.md 8)
    } else if (std::find(rule_.environments.begin(), rule_.environments.end(),
                         environment_name(env)) != rule_.environments.end()) {
      t = eval(rule_.definition, r, root, ev, {});
    } else {
      return;  // another environment: not this rule's business
    }
    if (rule_.repository_scope) ev = Evidence{};  // reported at line 1 of the subject's file
    Verdict v{&rule_, r, facet ? facet->name : ""};
    if (t == Tri::False) {
      out.findings.push_back(finding(r, facet, root, ev));
    } else if (t == Tri::Unknown) {
      out.unknown.push_back(v);
    } else if (t == Tri::True) {
      out.passed.push_back(v);
    }  // not applicable: no condition speaks about this resource, so it gets no verdict
  };
  if (rule_.facet.empty() && !all && !rule_.repository_scope &&
      std::find(rule_.scope_types.begin(), rule_.scope_types.end(), "Pod") !=
          rule_.scope_types.end()) {
    for (uint32_t i = 0; i < g_.resources.size(); ++i) {
      if (pod_view(g_.resources[i])) subjects.push_back(i);
    }
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  }
  for (uint32_t r : subjects) {
    const Resource& res = g_.resources[r];
    if (files_ && (res.file >= files_->size() || !(*files_)[res.file])) continue;
    if (rule_.facet.empty()) {
      const Facet* pod = res.type != "Pod" ? pod_view(res) : nullptr;
      const bool judged_as_pod =
          pod && std::find(rule_.scope_types.begin(), rule_.scope_types.end(), res.type) ==
                     rule_.scope_types.end();
      judge(r, judged_as_pod ? pod : nullptr, judged_as_pod ? pod->attributes : res.attributes);
      continue;
    }
    if (!type_matches(rule_.scope_types, res)) continue;
    for (const auto& f : res.facets) {
      if (f.kind == rule_.facet) judge(r, &f, f.attributes);
    }
  }
}

}  // namespace

Results evaluate(const Graph& g, const std::vector<const Rule*>& rules, unsigned jobs,
                 const std::vector<bool>* files) {
  std::unordered_map<std::string, std::vector<uint32_t>> by_type;
  for (uint32_t i = 0; i < g.resources.size(); ++i) by_type[g.resources[i].type].push_back(i);
  const Connections connections(g);
  const std::vector<Environment> environments = environments_of(g, files);
  std::vector<Results> per_rule(rules.size());
  parallel_for(rules.size(), jobs, [&](size_t i) {
    RuleRunner(g, *rules[i], by_type, connections, environments, files).run(per_rule[i]);
  });
  Results out;
  for (auto& r : per_rule) {
    for (auto& f : r.findings) out.findings.push_back(std::move(f));
    out.passed.insert(out.passed.end(), r.passed.begin(), r.passed.end());
    out.unknown.insert(out.unknown.end(), r.unknown.begin(), r.unknown.end());
  }
  // Exact duplicates get an occurrence index (DECISIONS.md 16).
  std::map<std::string, int> seen;
  for (auto& f : out.findings) {
    const int n = seen[f.fingerprint]++;
    if (n > 0) f.fingerprint += ":" + std::to_string(n);
  }
  return out;
}

}  // namespace infralint::rules
