// Terraform's built-in functions that need no provider and no network. Anything else (and
// non-deterministic ones such as timestamp or uuid) evaluates to unknown.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "parsers/terraform/eval.hpp"

namespace infralint::tf {

namespace {

using Args = std::vector<Value>;
using Fn = std::function<std::optional<Value>(Args&, const EvalLimits&, Resolver&)>;

bool has_unknown(const Args& args) {
  return std::any_of(args.begin(), args.end(), [](const Value& v) { return v.contains_unknown(); });
}

Value list_of(std::vector<Value> items) {
  Value v = Value::list();
  v.items = std::move(items);
  return v;
}

// A key that identifies a value for set operations (equal values, equal keys).
std::string set_key(const Value& v) {
  switch (v.kind) {
    case ValueKind::String:
      return "s" + v.text;
    case ValueKind::Number:
      return "n" + format_number(v.number);
    case ValueKind::Bool:
      return v.boolean ? "t" : "f";
    case ValueKind::Null:
      return "0";
    default:
      return "j" + to_plain_json(v).dump();
  }
}

// Appends the items of `list` not seen yet, in order: linear, whatever the size.
void add_unique(Value& out, std::unordered_set<std::string>& seen, const Value& list) {
  for (const auto& i : list.items) {
    if (seen.insert(set_key(i)).second) out.items.push_back(i);
  }
}

// ---- JSON and YAML ----

void to_yaml(YAML::Emitter& out, const Value& v) {
  switch (v.kind) {
    case ValueKind::Null:
    case ValueKind::Unknown:
      out << YAML::Null;
      break;
    case ValueKind::Bool:
      out << v.boolean;
      break;
    case ValueKind::Number:
      out << format_number(v.number);
      break;
    case ValueKind::String:
      out << YAML::DoubleQuoted << v.text;
      break;
    case ValueKind::List:
      out << YAML::BeginSeq;
      for (const auto& i : v.items) to_yaml(out, i);
      out << YAML::EndSeq;
      break;
    case ValueKind::Map: {
      std::vector<const MapEntry*> sorted;
      for (const auto& e : v.entries) sorted.push_back(&e);
      std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->key < b->key; });
      out << YAML::BeginMap;
      for (const auto* e : sorted) {
        out << YAML::Key << YAML::DoubleQuoted << e->key << YAML::Value;
        to_yaml(out, e->value);
      }
      out << YAML::EndMap;
      break;
    }
  }
}

Value from_yaml(const YAML::Node& n, size_t depth) {
  if (depth > 128) return Value::unknown("");
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      Value v = Value::list();
      for (const auto& i : n) v.items.push_back(from_yaml(i, depth + 1));
      return v;
    }
    case YAML::NodeType::Map: {
      Value v = Value::map();
      for (const auto& kv : n) v.set(kv.first.as<std::string>(), from_yaml(kv.second, depth + 1));
      return v;
    }
    case YAML::NodeType::Scalar: {
      // Terraform's yamldecode follows YAML 1.1: y/yes/on are booleans too.
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return make_string(s);  // quoted
      static const std::set<std::string> kTrue = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                                  "True", "TRUE", "on",  "On",  "ON"};
      static const std::set<std::string> kFalse = {"n",     "N",     "no",  "No",  "NO", "false",
                                                   "False", "FALSE", "off", "Off", "OFF"};
      if (kTrue.count(s)) return make_bool(true);
      if (kFalse.count(s)) return make_bool(false);
      if (s.empty() || s == "null" || s == "Null" || s == "NULL" || s == "~") return Value{};
      double d = 0;
      if (parse_number(s, d)) return make_number(d);
      return make_string(s);
    }
    default:
      return Value{};
  }
}

// ---- base64 ----

std::string base64_encode(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
    out += k[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      if (in[i + k] == '=') {
        v[k] = 0;
        ++pad;
      } else if ((v[k] = val(in[i + k])) < 0 || pad) {
        return std::nullopt;
      }
    }
    const uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

// ---- IPv4 CIDR ----

struct Cidr {
  uint32_t addr = 0;
  int bits = 0;
};

std::optional<Cidr> parse_cidr(const std::string& s) {
  const size_t slash = s.find('/');
  if (slash == std::string::npos) return std::nullopt;
  Cidr c;
  uint32_t a = 0;
  int parts = 0;
  size_t pos = 0;
  while (parts < 4) {
    size_t end = s.find_first_of("./", pos);
    if (end == std::string::npos || end > slash) end = slash;
    const std::string part = s.substr(pos, end - pos);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), ::isdigit))
      return std::nullopt;
    const int n = std::stoi(part);
    if (n > 255) return std::nullopt;
    a = (a << 8) | static_cast<uint32_t>(n);
    ++parts;
    pos = end + 1;
    if (end == slash) break;
  }
  if (parts != 4) return std::nullopt;
  const std::string bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 2 || !std::all_of(bits.begin(), bits.end(), ::isdigit))
    return std::nullopt;
  c.bits = std::stoi(bits);
  if (c.bits > 32) return std::nullopt;
  const uint32_t mask = c.bits == 0 ? 0 : ~uint32_t{0} << (32 - c.bits);
  c.addr = a & mask;
  return c;
}

std::string ip_string(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

std::optional<Cidr> subnet(const Cidr& base, int newbits, double netnum) {
  if (newbits < 0 || base.bits + newbits > 32 || netnum < 0 || netnum >= std::ldexp(1.0, newbits))
    return std::nullopt;
  Cidr c;
  c.bits = base.bits + newbits;
  c.addr = base.addr | (newbits == 0 ? 0 : static_cast<uint32_t>(netnum) << (32 - c.bits));
  return c;
}

std::string cidr_string(const Cidr& c) {
  return ip_string(c.addr) + "/" + std::to_string(c.bits);
}

// ---- format ----

std::optional<std::string> go_format(const std::string& fmt, const Args& args, size_t first) {
  std::string out;
  size_t arg = first;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) return std::nullopt;
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    std::string flags;
    while (i < fmt.size() && (std::isdigit(static_cast<unsigned char>(fmt[i])) || fmt[i] == '.' ||
                              fmt[i] == '-' || fmt[i] == '+' || fmt[i] == '#' || fmt[i] == ' ')) {
      flags += fmt[i++];
    }
    if (i >= fmt.size() || arg >= args.size()) return std::nullopt;
    const char verb = fmt[i];
    const Value& v = args[arg++];
    char buf[512];
    if (verb == 's' || verb == 'v') {
      auto s = scalar_to_text(v);
      if (!s) {
        if (verb != 'v') return std::nullopt;
        s = to_plain_json(v).dump();
      }
      std::snprintf(buf, sizeof buf, ("%" + flags + "s").c_str(), s->c_str());
      out += buf;
    } else if (verb == 'q') {
      auto s = scalar_to_text(v);
      if (!s) return std::nullopt;
      out += nlohmann::json(*s).dump();
    } else if (verb == 'd') {
      auto n = to_number(v);
      if (!n) return std::nullopt;
      std::snprintf(buf, sizeof buf, ("%" + flags + "lld").c_str(), static_cast<long long>(*n));
      out += buf;
    } else if (verb == 'f' || verb == 'e' || verb == 'g') {
      auto n = to_number(v);
      if (!n) return std::nullopt;
      std::snprintf(buf, sizeof buf, ("%" + flags + verb).c_str(), *n);
      out += buf;
    } else if (verb == 't') {
      auto b = to_bool(v);
      if (!b) return std::nullopt;
      out += *b ? "true" : "false";
    } else if (verb == 'x' || verb == 'X' || verb == 'o' || verb == 'b') {
      auto n = to_number(v);
      if (!n || verb == 'b') return std::nullopt;
      std::snprintf(buf, sizeof buf, ("%" + flags + "ll" + verb).c_str(),
                    static_cast<long long>(*n));
      out += buf;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string title_case(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (auto& c : out) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      start = true;
    } else if (start) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      start = false;
    }
  }
  return out;
}

// Code-point aware substring (Terraform counts characters, not bytes).
std::string substr_cp(const std::string& s, long long offset, long long length) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  const long long n = static_cast<long long>(starts.size());
  if (offset < 0) offset += n;
  offset = std::clamp<long long>(offset, 0, n);
  long long end = length < 0 ? n : std::min(n, offset + length);
  if (end <= offset) return "";
  const size_t b = starts[static_cast<size_t>(offset)];
  const size_t e = end >= n ? s.size() : starts[static_cast<size_t>(end)];
  return s.substr(b, e - b);
}

std::optional<Value> flatten(const Value& v, size_t depth) {
  if (depth > 64) return std::nullopt;
  Value out = Value::list();
  for (const auto& i : v.items) {
    if (i.is_list()) {
      auto f = flatten(i, depth + 1);
      if (!f) return std::nullopt;
      for (auto& x : f->items) out.items.push_back(std::move(x));
    } else {
      out.items.push_back(i);
    }
  }
  return out;
}

std::optional<std::string> str_arg(const Args& a, size_t i) {
  return i < a.size() ? scalar_to_text(a[i]) : std::nullopt;
}
std::optional<double> num_arg(const Args& a, size_t i) {
  return i < a.size() ? to_number(a[i]) : std::nullopt;
}

void register_functions(std::unordered_map<std::string, Fn>& table) {
  table["length"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1) return std::nullopt;
    if (a[0].is_list()) return make_number(static_cast<double>(a[0].items.size()));
    if (a[0].is_map()) return make_number(static_cast<double>(a[0].entries.size()));
    if (a[0].is_string()) {
      size_t n = 0;
      for (unsigned char c : a[0].text) n += (c & 0xC0) != 0x80;
      return make_number(static_cast<double>(n));
    }
    return std::nullopt;
  };
  table["lookup"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() < 2 || !a[0].is_map()) return std::nullopt;
    auto k = scalar_to_text(a[1]);
    if (!k) return std::nullopt;
    if (const Value* v = a[0].get(*k)) return *v;
    if (a.size() > 2) return a[2];
    return std::nullopt;
  };
  table["merge"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    Value out = Value::map();
    MapBuilder keys(out);
    for (auto& m : a) {
      if (m.is_null()) continue;
      if (!m.is_map()) return std::nullopt;
      for (auto& e : m.entries) keys.set(e.key, e.value, e.key_span);
    }
    return out;
  };
  table["concat"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    Value out = Value::list();
    for (auto& l : a) {
      if (!l.is_list()) return std::nullopt;
      for (auto& i : l.items) out.items.push_back(i);
    }
    return out;
  };
  table["flatten"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    return flatten(a[0], 0);
  };
  table["distinct"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    Value out = Value::list();
    std::unordered_set<std::string> seen;
    add_unique(out, seen, a[0]);
    return out;
  };
  table["keys"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_map()) return std::nullopt;
    std::vector<std::string> k;
    for (auto& e : a[0].entries) k.push_back(e.key);
    std::sort(k.begin(), k.end());
    Value out = Value::list();
    for (auto& x : k) out.items.push_back(make_string(x));
    return out;
  };
  table["values"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_map()) return std::nullopt;
    std::vector<const MapEntry*> sorted;
    for (auto& e : a[0].entries) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [](auto* x, auto* y) { return x->key < y->key; });
    Value out = Value::list();
    for (auto* e : sorted) out.items.push_back(e->value);
    return out;
  };
  table["element"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 1);
    if (a.size() != 2 || !a[0].is_list() || a[0].items.empty() || !n || *n < 0) return std::nullopt;
    return a[0].items[static_cast<size_t>(*n) % a[0].items.size()];
  };
  table["index"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 2 || !a[0].is_list()) return std::nullopt;
    for (size_t i = 0; i < a[0].items.size(); ++i) {
      if (values_equal(a[0].items[i], a[1])) return make_number(static_cast<double>(i));
    }
    return std::nullopt;
  };
  table["contains"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 2 || !a[0].is_list()) return std::nullopt;
    return make_bool(std::any_of(a[0].items.begin(), a[0].items.end(),
                                 [&](const Value& v) { return values_equal(v, a[1]); }));
  };
  table["coalesce"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    for (auto& v : a) {
      if (!v.is_null() && !(v.is_string() && v.text.empty())) return v;
    }
    return std::nullopt;
  };
  table["coalescelist"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    for (auto& v : a) {
      if (v.is_list() && !v.items.empty()) return v;
    }
    return Value::list();
  };
  table["compact"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    Value out = Value::list();
    for (auto& v : a[0].items) {
      if (!v.is_null() && !(v.is_string() && v.text.empty())) out.items.push_back(v);
    }
    return out;
  };
  table["format"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto f = str_arg(a, 0);
    if (!f) return std::nullopt;
    auto s = go_format(*f, a, 1);
    if (!s) return std::nullopt;
    return make_string(*s);
  };
  table["formatlist"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto f = str_arg(a, 0);
    if (!f) return std::nullopt;
    size_t n = 1;
    bool any_list = false;
    for (size_t i = 1; i < a.size(); ++i) {
      if (a[i].is_list()) {
        if (any_list && a[i].items.size() != n) return std::nullopt;
        n = a[i].items.size();
        any_list = true;
      }
    }
    Value out = Value::list();
    for (size_t k = 0; k < n; ++k) {
      Args row{a[0]};
      for (size_t i = 1; i < a.size(); ++i) row.push_back(a[i].is_list() ? a[i].items[k] : a[i]);
      auto s = go_format(*f, row, 1);
      if (!s) return std::nullopt;
      out.items.push_back(make_string(*s));
    }
    return out;
  };
  table["join"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto sep = str_arg(a, 0);
    if (!sep) return std::nullopt;
    std::string out;
    bool first = true;
    for (size_t i = 1; i < a.size(); ++i) {
      if (!a[i].is_list()) return std::nullopt;
      for (auto& v : a[i].items) {
        auto s = scalar_to_text(v);
        if (!s) return std::nullopt;
        if (!first) out += *sep;
        out += *s;
        first = false;
      }
    }
    return make_string(out);
  };
  table["split"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto sep = str_arg(a, 0);
    auto s = str_arg(a, 1);
    if (!sep || !s) return std::nullopt;
    Value out = Value::list();
    if (sep->empty()) {
      for (size_t i = 0; i < s->size();) {
        size_t len = 1;
        while (i + len < s->size() && (static_cast<unsigned char>((*s)[i + len]) & 0xC0) == 0x80)
          ++len;
        out.items.push_back(make_string(s->substr(i, len)));
        i += len;
      }
      return out;
    }
    size_t pos = 0;
    while (true) {
      const size_t next = s->find(*sep, pos);
      out.items.push_back(
          make_string(s->substr(pos, next == std::string::npos ? std::string::npos : next - pos)));
      if (next == std::string::npos) break;
      pos = next + sep->size();
    }
    return out;
  };
  table["lower"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    for (auto& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return make_string(*s);
  };
  table["upper"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    for (auto& c : *s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return make_string(*s);
  };
  table["title"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    return make_string(title_case(*s));
  };
  table["replace"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto from = str_arg(a, 1);
    auto to = str_arg(a, 2);
    if (!s || !from || !to) return std::nullopt;
    if (from->size() >= 2 && from->front() == '/' && from->back() == '/') {
      RE2 re(from->substr(1, from->size() - 2));
      if (!re.ok()) return std::nullopt;
      std::string out = *s;
      // Terraform's replacement syntax: $1 or ${1}; RE2's: \1.
      std::string rewrite;
      for (size_t i = 0; i < to->size(); ++i) {
        if ((*to)[i] == '$' && i + 1 < to->size() &&
            std::isdigit(static_cast<unsigned char>((*to)[i + 1]))) {
          rewrite += '\\';
          rewrite += (*to)[++i];
        } else if ((*to)[i] == '\\') {
          rewrite += "\\\\";
        } else {
          rewrite += (*to)[i];
        }
      }
      RE2::GlobalReplace(&out, re, rewrite);
      return make_string(out);
    }
    if (from->empty()) return make_string(*s);
    std::string out;
    size_t pos = 0;
    while (true) {
      const size_t next = s->find(*from, pos);
      if (next == std::string::npos) break;
      out.append(*s, pos, next - pos);
      out += *to;
      pos = next + from->size();
    }
    out.append(*s, pos);
    return make_string(out);
  };
  table["regex"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    auto s = str_arg(a, 1);
    if (!p || !s) return std::nullopt;
    RE2 re(*p);
    if (!re.ok()) return std::nullopt;
    const int n = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> groups(static_cast<size_t>(n + 1));
    if (!re.Match(*s, 0, s->size(), RE2::UNANCHORED, groups.data(), n + 1)) return std::nullopt;
    if (n == 0) return make_string(std::string(groups[0]));
    const auto& names = re.CapturingGroupNames();
    if (!names.empty()) {
      Value m = Value::map();
      for (const auto& [idx, name] : names)
        m.set(name, make_string(std::string(groups[static_cast<size_t>(idx)])));
      return m;
    }
    Value l = Value::list();
    for (int i = 1; i <= n; ++i)
      l.items.push_back(make_string(std::string(groups[static_cast<size_t>(i)])));
    return l;
  };
  table["regexall"] = [](Args& a, const EvalLimits& lim, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    auto s = str_arg(a, 1);
    if (!p || !s) return std::nullopt;
    RE2 re(*p);
    if (!re.ok()) return std::nullopt;
    const int n = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> groups(static_cast<size_t>(n + 1));
    Value out = Value::list();
    size_t pos = 0;
    while (pos <= s->size() && out.items.size() < lim.max_collection &&
           re.Match(*s, pos, s->size(), RE2::UNANCHORED, groups.data(), n + 1)) {
      if (n == 0) {
        out.items.push_back(make_string(std::string(groups[0])));
      } else {
        Value l = Value::list();
        for (int i = 1; i <= n; ++i)
          l.items.push_back(make_string(std::string(groups[static_cast<size_t>(i)])));
        out.items.push_back(std::move(l));
      }
      const size_t end = static_cast<size_t>(groups[0].data() - s->data()) + groups[0].size();
      pos = end == pos ? pos + 1 : end;
    }
    return out;
  };
  table["substr"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto o = num_arg(a, 1);
    auto l = num_arg(a, 2);
    if (!s || !o || !l) return std::nullopt;
    return make_string(substr_cp(*s, static_cast<long long>(*o), static_cast<long long>(*l)));
  };
  table["trimspace"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    const size_t b = s->find_first_not_of(" \t\n\r\v\f");
    if (b == std::string::npos) return make_string("");
    const size_t e = s->find_last_not_of(" \t\n\r\v\f");
    return make_string(s->substr(b, e - b + 1));
  };
  table["trim"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto cut = str_arg(a, 1);
    if (!s || !cut) return std::nullopt;
    const size_t b = s->find_first_not_of(*cut);
    if (b == std::string::npos) return make_string("");
    const size_t e = s->find_last_not_of(*cut);
    return make_string(s->substr(b, e - b + 1));
  };
  table["trimprefix"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto p = str_arg(a, 1);
    if (!s || !p) return std::nullopt;
    return make_string(s->rfind(*p, 0) == 0 ? s->substr(p->size()) : *s);
  };
  table["trimsuffix"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto p = str_arg(a, 1);
    if (!s || !p) return std::nullopt;
    const bool ends =
        s->size() >= p->size() && s->compare(s->size() - p->size(), p->size(), *p) == 0;
    return make_string(ends ? s->substr(0, s->size() - p->size()) : *s);
  };
  table["chomp"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    while (!s->empty() && (s->back() == '\n' || s->back() == '\r')) s->pop_back();
    return make_string(*s);
  };
  table["startswith"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto p = str_arg(a, 1);
    if (!s || !p) return std::nullopt;
    return make_bool(s->rfind(*p, 0) == 0);
  };
  table["endswith"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto p = str_arg(a, 1);
    if (!s || !p) return std::nullopt;
    return make_bool(s->size() >= p->size() &&
                     s->compare(s->size() - p->size(), p->size(), *p) == 0);
  };
  table["strrev"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    std::string out;
    for (size_t i = s->size(); i > 0;) {
      size_t b = i - 1;
      while (b > 0 && (static_cast<unsigned char>((*s)[b]) & 0xC0) == 0x80) --b;
      out.append(*s, b, i - b);
      i = b;
    }
    return make_string(out);
  };
  // tostring, tonumber, tobool: null stays null; otherwise Terraform's conversion, or an error.
  auto conversion = [](auto convert, auto make) -> Fn {
    return [convert, make](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
      if (a.size() != 1) return std::nullopt;
      if (a[0].is_null()) return Value{};
      auto v = convert(a[0]);
      if (!v) return std::nullopt;
      return make(*v);
    };
  };
  table["tostring"] = conversion(scalar_to_text, make_string);
  table["tonumber"] = conversion(to_number, make_number);
  table["tobool"] = conversion(to_bool, make_bool);
  table["tolist"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    return a[0];
  };
  table["toset"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    // A set of strings (or numbers) iterates in lexical order in
    // Terraform.
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    Value out = Value::list();
    std::unordered_set<std::string> seen;
    add_unique(out, seen, a[0]);
    if (std::all_of(out.items.begin(), out.items.end(),
                    [](const Value& v) { return v.is_string(); })) {
      std::sort(out.items.begin(), out.items.end(),
                [](const Value& x, const Value& y) { return x.text < y.text; });
    }
    return out;
  };
  table["tomap"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_map()) return std::nullopt;
    return a[0];
  };
  table["jsonencode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1) return std::nullopt;
    return make_string(to_plain_json(a[0]).dump());
  };
  table["jsondecode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    auto j = nlohmann::json::parse(*s, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return from_json(j);
  };
  table["yamlencode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1) return std::nullopt;
    YAML::Emitter out;
    to_yaml(out, a[0]);
    return make_string(std::string(out.c_str()) + "\n");
  };
  table["yamldecode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    try {
      return from_yaml(YAML::Load(*s), 0);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  table["base64encode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    return make_string(base64_encode(*s));
  };
  table["base64decode"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    auto d = base64_decode(*s);
    if (!d) return std::nullopt;
    return make_string(*d);
  };
  table["cidrsubnet"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    auto nb = num_arg(a, 1);
    auto nn = num_arg(a, 2);
    if (!p || !nb || !nn) return std::nullopt;
    auto base = parse_cidr(*p);
    if (!base) return std::nullopt;
    auto c = subnet(*base, static_cast<int>(*nb), *nn);
    if (!c) return std::nullopt;
    return make_string(cidr_string(*c));
  };
  table["cidrsubnets"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    if (!p) return std::nullopt;
    auto base = parse_cidr(*p);
    if (!base) return std::nullopt;
    Value out = Value::list();
    uint64_t next = base->addr;
    const uint64_t end = static_cast<uint64_t>(base->addr) + (uint64_t{1} << (32 - base->bits));
    for (size_t i = 1; i < a.size(); ++i) {
      auto nb = to_number(a[i]);
      if (!nb) return std::nullopt;
      const int bits = base->bits + static_cast<int>(*nb);
      if (bits > 32 || *nb < 1) return std::nullopt;
      const uint64_t size = uint64_t{1} << (32 - bits);
      next = (next + size - 1) / size * size;  // align
      if (next + size > end) return std::nullopt;
      out.items.push_back(make_string(cidr_string(Cidr{static_cast<uint32_t>(next), bits})));
      next += size;
    }
    return out;
  };
  table["cidrhost"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    auto n = num_arg(a, 1);
    if (!p || !n) return std::nullopt;
    auto c = parse_cidr(*p);
    if (!c) return std::nullopt;
    const double size = std::ldexp(1.0, 32 - c->bits);
    double host = *n < 0 ? size + *n : *n;
    if (host < 0 || host >= size) return std::nullopt;
    return make_string(ip_string(c->addr + static_cast<uint32_t>(host)));
  };
  table["cidrnetmask"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    if (!p) return std::nullopt;
    auto c = parse_cidr(*p);
    if (!c) return std::nullopt;
    return make_string(ip_string(c->bits == 0 ? 0 : ~uint32_t{0} << (32 - c->bits)));
  };
  table["min"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.empty()) return std::nullopt;
    double m = INFINITY;
    for (auto& v : a) {
      auto n = to_number(v);
      if (!n) return std::nullopt;
      m = std::min(m, *n);
    }
    return make_number(m);
  };
  table["max"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.empty()) return std::nullopt;
    double m = -INFINITY;
    for (auto& v : a) {
      auto n = to_number(v);
      if (!n) return std::nullopt;
      m = std::max(m, *n);
    }
    return make_number(m);
  };
  table["abs"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 0);
    return n ? std::optional<Value>(make_number(std::fabs(*n))) : std::nullopt;
  };
  table["ceil"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 0);
    return n ? std::optional<Value>(make_number(std::ceil(*n))) : std::nullopt;
  };
  table["floor"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 0);
    return n ? std::optional<Value>(make_number(std::floor(*n))) : std::nullopt;
  };
  table["pow"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto x = num_arg(a, 0);
    auto y = num_arg(a, 1);
    return x && y ? std::optional<Value>(make_number(std::pow(*x, *y))) : std::nullopt;
  };
  table["signum"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 0);
    return n ? std::optional<Value>(make_number(*n > 0 ? 1 : *n < 0 ? -1 : 0)) : std::nullopt;
  };
  table["parseint"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    auto b = num_arg(a, 1);
    if (!s || !b || *b < 2 || *b > 62) return std::nullopt;
    try {
      size_t used = 0;
      const long long v = std::stoll(*s, &used, static_cast<int>(*b));
      if (used != s->size()) return std::nullopt;
      return make_number(static_cast<double>(v));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  table["range"] = [](Args& a, const EvalLimits& lim, Resolver&) -> std::optional<Value> {
    double start = 0, end = 0, step = 1;
    std::vector<double> n;
    for (auto& v : a) {
      auto x = to_number(v);
      if (!x) return std::nullopt;
      n.push_back(*x);
    }
    if (n.size() == 1) {
      end = n[0];
    } else if (n.size() >= 2) {
      start = n[0];
      end = n[1];
      step = n.size() > 2 ? n[2] : (start <= end ? 1 : -1);
    } else {
      return std::nullopt;
    }
    if (step == 0 || std::fabs((end - start) / step) > static_cast<double>(lim.max_collection))
      return std::nullopt;
    Value out = Value::list();
    for (double x = start; step > 0 ? x < end : x > end; x += step)
      out.items.push_back(make_number(x));
    return out;
  };
  table["zipmap"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 2 || !a[0].is_list() || !a[1].is_list() ||
        a[0].items.size() != a[1].items.size()) {
      return std::nullopt;
    }
    Value out = Value::map();
    for (size_t i = 0; i < a[0].items.size(); ++i) {
      auto k = scalar_to_text(a[0].items[i]);
      if (!k) return std::nullopt;
      out.set(*k, a[1].items[i]);
    }
    return out;
  };
  table["slice"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = num_arg(a, 1);
    auto e = num_arg(a, 2);
    if (!a.size() || !a[0].is_list() || !s || !e || *s < 0 || *e < *s ||
        *e > static_cast<double>(a[0].items.size())) {
      return std::nullopt;
    }
    return list_of(std::vector<Value>(a[0].items.begin() + static_cast<long>(*s),
                                      a[0].items.begin() + static_cast<long>(*e)));
  };
  table["reverse"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    Value out = a[0];
    std::reverse(out.items.begin(), out.items.end());
    return out;
  };
  table["sort"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    std::vector<std::string> s;
    for (auto& v : a[0].items) {
      auto x = scalar_to_text(v);
      if (!x) return std::nullopt;
      s.push_back(*x);
    }
    std::sort(s.begin(), s.end());
    Value out = Value::list();
    for (auto& x : s) out.items.push_back(make_string(x));
    return out;
  };
  table["sum"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list() || a[0].items.empty()) return std::nullopt;
    double t = 0;
    for (auto& v : a[0].items) {
      auto n = to_number(v);
      if (!n) return std::nullopt;
      t += *n;
    }
    return make_number(t);
  };
  table["one"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list() || a[0].items.size() > 1) return std::nullopt;
    return a[0].items.empty() ? Value{} : a[0].items[0];
  };
  table["alltrue"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    for (auto& v : a[0].items) {
      auto b = to_bool(v);
      if (!b) return std::nullopt;
      if (!*b) return make_bool(false);
    }
    return make_bool(true);
  };
  table["anytrue"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_list()) return std::nullopt;
    for (auto& v : a[0].items) {
      auto b = to_bool(v);
      if (b && *b) return make_bool(true);
    }
    return make_bool(false);
  };
  table["chunklist"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 1);
    if (a.empty() || !a[0].is_list() || !n || *n < 0) return std::nullopt;
    Value out = Value::list();
    const size_t size = static_cast<size_t>(*n);
    if (size == 0) {
      out.items.push_back(a[0]);
      return out;
    }
    for (size_t i = 0; i < a[0].items.size(); i += size) {
      out.items.push_back(list_of(std::vector<Value>(
          a[0].items.begin() + static_cast<long>(i),
          a[0].items.begin() + static_cast<long>(std::min(a[0].items.size(), i + size)))));
    }
    return out;
  };
  table["setunion"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    Value out = Value::list();
    std::unordered_set<std::string> seen;
    for (auto& l : a) {
      if (!l.is_list()) return std::nullopt;
      add_unique(out, seen, l);
    }
    return out;
  };
  table["setintersection"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.empty() || !a[0].is_list()) return std::nullopt;
    Value out = Value::list();
    for (auto& i : a[0].items) {
      bool all = true;
      for (size_t k = 1; k < a.size(); ++k) {
        if (!a[k].is_list()) return std::nullopt;
        all &= std::any_of(a[k].items.begin(), a[k].items.end(),
                           [&](const Value& o) { return values_equal(o, i); });
      }
      if (all) out.items.push_back(i);
    }
    return out;
  };
  table["setsubtract"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 2 || !a[0].is_list() || !a[1].is_list()) return std::nullopt;
    Value out = Value::list();
    std::unordered_set<std::string> seen;
    for (const auto& i : a[1].items) seen.insert(set_key(i));
    add_unique(out, seen, a[0]);
    return out;
  };
  table["transpose"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    if (a.size() != 1 || !a[0].is_map()) return std::nullopt;
    std::map<std::string, std::vector<std::string>> t;
    for (auto& e : a[0].entries) {
      if (!e.value.is_list()) return std::nullopt;
      for (auto& v : e.value.items) {
        auto s = scalar_to_text(v);
        if (!s) return std::nullopt;
        t[*s].push_back(e.key);
      }
    }
    Value out = Value::map();
    for (auto& [k, vs] : t) {
      std::sort(vs.begin(), vs.end());
      Value l = Value::list();
      for (auto& v : vs) l.items.push_back(make_string(v));
      out.set(k, std::move(l));
    }
    return out;
  };
  table["indent"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto n = num_arg(a, 0);
    auto s = str_arg(a, 1);
    if (!n || !s) return std::nullopt;
    const std::string pad(static_cast<size_t>(std::max(0.0, *n)), ' ');
    std::string out;
    for (char c : *s) {
      out += c;
      if (c == '\n') out += pad;
    }
    return make_string(out);
  };
  table["basename"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    while (s->size() > 1 && s->back() == '/') s->pop_back();
    const size_t slash = s->rfind('/');
    return make_string(slash == std::string::npos ? *s : s->substr(slash + 1));
  };
  table["dirname"] = [](Args& a, const EvalLimits&, Resolver&) -> std::optional<Value> {
    auto s = str_arg(a, 0);
    if (!s) return std::nullopt;
    const size_t slash = s->rfind('/');
    return make_string(slash == std::string::npos ? "." : slash == 0 ? "/" : s->substr(0, slash));
  };
  table["file"] = [](Args& a, const EvalLimits&, Resolver& r) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    if (!p) return std::nullopt;
    auto text = r.read_file(*p);
    if (!text) return std::nullopt;
    return make_string(*text);
  };
  table["fileexists"] = [](Args& a, const EvalLimits&, Resolver& r) -> std::optional<Value> {
    auto p = str_arg(a, 0);
    if (!p) return std::nullopt;
    return make_bool(r.read_file(*p).has_value());
  };
}

const std::unordered_map<std::string, Fn>& table() {
  static const std::unordered_map<std::string, Fn> functions = [] {
    std::unordered_map<std::string, Fn> f;
    register_functions(f);
    return f;
  }();
  return functions;
}

}  // namespace

Value from_json(const nlohmann::json& j) {
  if (j.is_null()) return Value{};
  if (j.is_boolean()) return make_bool(j.get<bool>());
  if (j.is_number()) return make_number(j.get<double>());
  if (j.is_string()) return make_string(j.get<std::string>());
  if (j.is_array()) {
    Value v = Value::list();
    for (const auto& i : j) v.items.push_back(from_json(i));
    return v;
  }
  Value v = Value::map();
  for (auto it = j.begin(); it != j.end(); ++it) v.set(it.key(), from_json(it.value()));
  return v;
}

bool is_function(const std::string& name) {
  return name == "templatefile" || table().count(name) > 0;
}

std::optional<Value> Evaluator::call(const std::string& name, std::vector<Value>& args,
                                     const hcl::Expr& call_expr) {
  if (has_unknown(args)) {
    // A policy document with an unknown ARN inside stays a structure, not an unknown string:
    // rules decode JSON strings before paths apply (DECISIONS.md 15), so they see the same
    // shape either way and can still judge its known parts.
    if ((name == "jsonencode" || name == "yamlencode") && args.size() == 1 && !args[0].is_unknown())
      return args[0];
    // Functions that do not look inside every argument still answer.
    if (name == "length" && args.size() == 1 && args[0].is_list()) {
      return make_number(static_cast<double>(args[0].items.size()));
    }
    if (name == "coalesce" || name == "try") {
      for (auto& v : args) {
        if (v.is_unknown()) return std::nullopt;
        if (!v.is_null() && !(v.is_string() && v.text.empty())) return v;
      }
    }
    return std::nullopt;
  }
  if (name == "templatefile") {
    // Reads the template under the scan root and evaluates it with the given variables.
    auto path = args.empty() ? std::nullopt : scalar_to_text(args[0]);
    if (!path || args.size() != 2 || !args[1].is_map()) return std::nullopt;
    auto text = resolver_.read_file(*path);
    if (!text) return std::nullopt;
    auto tpl = hcl::parse_expression("<<__INFRALINT_EOT\n" + *text + "\n__INFRALINT_EOT", file_,
                                     call_expr.span);
    if (!tpl) return std::nullopt;
    if (tpl->kind == hcl::ExprKind::Template && !tpl->kids.empty() &&
        tpl->kids.back().kind == hcl::ExprKind::Literal) {
      std::string& last = tpl->kids.back().value.text;
      if (!last.empty() && last.back() == '\n') last.pop_back();
    }
    // Only the given variables are visible inside a template.
    std::vector<std::pair<std::string, Value>> saved;
    saved.swap(locals_);
    for (const auto& e : args[1].entries) push(e.key, e.value);
    Value v = ev(*tpl);
    locals_.swap(saved);
    if (v.is_unknown()) return std::nullopt;
    return v;
  }
  const auto& t = table();
  auto it = t.find(name);
  if (it == t.end()) return std::nullopt;  // an unknown function, or one needing a provider
  return it->second(args, limits_, resolver_);
}

}  // namespace infralint::tf
