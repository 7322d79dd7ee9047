#include "engine/value.hpp"

#include <charconv>
#include <cmath>

namespace infralint {

Value Value::null_at(uint32_t file, Span span) {
  Value v;
  v.file = file;
  v.span = span;
  return v;
}

Value Value::string(std::string s, uint32_t file, Span span) {
  Value v;
  v.kind = ValueKind::String;
  v.text = std::move(s);
  v.file = file;
  v.span = span;
  return v;
}

Value Value::unknown(std::string expr, uint32_t file, Span span) {
  Value v = string(std::move(expr), file, span);
  v.kind = ValueKind::Unknown;
  return v;
}

Value Value::map(uint32_t file, Span span) {
  Value v;
  v.kind = ValueKind::Map;
  v.file = file;
  v.span = span;
  return v;
}

Value Value::of_bool(bool b, uint32_t file, Span span) {
  Value v;
  v.kind = ValueKind::Bool;
  v.boolean = b;
  v.text = b ? "true" : "false";
  v.file = file;
  v.span = span;
  return v;
}

Value Value::of_number(double d, uint32_t file, Span span) {
  Value v;
  v.kind = ValueKind::Number;
  v.number = d;
  v.text = format_number(d);
  v.file = file;
  v.span = span;
  return v;
}

std::string format_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<long long>(d));
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

Value Value::list(uint32_t file, Span span) {
  Value v;
  v.kind = ValueKind::List;
  v.file = file;
  v.span = span;
  return v;
}

const MapEntry* Value::entry(std::string_view key) const {
  if (kind != ValueKind::Map) return nullptr;
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Value* Value::get(std::string_view key) const {
  const MapEntry* e = entry(key);
  return e ? &e->value : nullptr;
}

Value* Value::get(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->get(key));
}

const Value* Value::at(std::initializer_list<std::string_view> keys) const {
  const Value* v = this;
  for (auto k : keys) {
    v = v->get(k);
    if (!v) return nullptr;
  }
  return v;
}

std::string_view Value::scalar_text() const {
  switch (kind) {
    case ValueKind::String:
    case ValueKind::Number:
    case ValueKind::Bool:
      return text;
    default:
      return {};
  }
}

Value& Value::set(std::string key, Value v, Span key_span) {
  for (auto& e : entries) {
    if (e.key == key) {
      e.value = std::move(v);
      e.key_span = key_span;
      return e.value;
    }
  }
  entries.push_back(MapEntry{std::move(key), key_span, std::move(v)});
  return entries.back().value;
}

bool Value::erase(std::string_view key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->key == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

bool Value::contains_unknown() const {
  if (kind == ValueKind::Unknown) return true;
  for (const auto& i : items) {
    if (i.contains_unknown()) return true;
  }
  for (const auto& e : entries) {
    if (e.value.contains_unknown()) return true;
  }
  return false;
}

void Value::mark_sensitive() {
  sensitive = true;
  for (auto& i : items) i.mark_sensitive();
  for (auto& e : entries) e.value.mark_sensitive();
}

size_t Value::node_count() const {
  size_t n = 1;
  for (const auto& i : items) n += i.node_count();
  for (const auto& e : entries) n += e.value.node_count();
  return n;
}

MapBuilder::MapBuilder(Value& map) : map_(map) {
  for (size_t i = 0; i < map_.entries.size(); ++i) index_.emplace(map_.entries[i].key, i);
}

Value& MapBuilder::set(std::string key, Value v, Span key_span) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    MapEntry& e = map_.entries[it->second];
    e.value = std::move(v);
    e.key_span = key_span;
    return e.value;
  }
  index_.emplace(key, map_.entries.size());
  map_.entries.push_back(MapEntry{std::move(key), key_span, std::move(v)});
  return map_.entries.back().value;
}

Value* MapBuilder::get(const std::string& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &map_.entries[it->second].value;
}

bool parse_number(std::string_view t, double& out) {
  if (t.empty()) return false;
  std::string_view body = t;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    out = negative ? -INFINITY : INFINITY;
    return true;
  }
  if (t == ".nan" || t == ".NaN" || t == ".NAN") {
    out = NAN;
    return true;
  }
  if (body.empty()) return false;
  if (t[0] != '+' && t[0] != '-' && body.size() > 2 && body[0] == '0' &&
      (body[1] == 'x' || body[1] == 'o')) {
    unsigned long long v = 0;
    const int base = body[1] == 'x' ? 16 : 8;
    auto r = std::from_chars(body.data() + 2, body.data() + body.size(), v, base);
    if (r.ec != std::errc() || r.ptr != body.data() + body.size()) return false;
    out = static_cast<double>(v);
    return true;
  }
  // Decimal: digits with optional fraction and exponent (YAML 1.2 core schema).
  size_t i = 0;
  bool digits = false;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, digits = true;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, digits = true;
  }
  if (!digits) return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    bool exp_digits = false;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, exp_digits = true;
    if (!exp_digits) return false;
  }
  if (i != body.size()) return false;
  double v = 0;
  auto r = std::from_chars(t.data() + (t[0] == '+' ? 1 : 0), t.data() + t.size(), v);
  if (r.ec != std::errc() && r.ec != std::errc::result_out_of_range) return false;
  out = v;
  return true;
}

std::optional<std::string> scalar_to_text(const Value& v) {
  switch (v.kind) {
    case ValueKind::String:
      return v.text;
    case ValueKind::Number:
      return format_number(v.number);
    case ValueKind::Bool:
      return std::string(v.boolean ? "true" : "false");
    default:
      return std::nullopt;
  }
}

nlohmann::json to_plain_json(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null:
    case ValueKind::Unknown:
      return nullptr;
    case ValueKind::Bool:
      return v.boolean;
    case ValueKind::Number:
      if (v.number == std::floor(v.number) && std::fabs(v.number) < 9e15)
        return static_cast<int64_t>(v.number);
      return v.number;
    case ValueKind::String:
      return v.text;
    case ValueKind::List: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& i : v.items) a.push_back(to_plain_json(i));
      return a;
    }
    case ValueKind::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& e : v.entries) o[e.key] = to_plain_json(e.value);
      return o;
    }
  }
  return nullptr;
}

}  // namespace infralint
