// The value tree every parser produces: JSON-like values that remember where they came from
// (file and byte span), whether they were quoted, whether they are sensitive, and "unknown"
// for what cannot be resolved offline (DESIGN.md "The graph", DECISIONS.md 4 and 10).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/source.hpp"

namespace infralint {

inline constexpr uint32_t kNoFile = std::numeric_limits<uint32_t>::max();

enum class ValueKind : uint8_t { Null, Bool, Number, String, List, Map, Unknown };

struct MapEntry;

struct Value {
  ValueKind kind = ValueKind::Null;
  bool quoted = false;     // a scalar written in quotes (or a block scalar)
  bool sensitive = false;  // a secret: every writer masks it (DECISIONS.md 18)
  bool boolean = false;
  bool open = false;  // a map whose missing keys are unknown, not absent (a Terraform resource)
  uint32_t file = kNoFile;  // index into Graph::files
  Span span;
  double number = 0;
  // String: the value. Null/Bool/Number: the source text. Unknown: the unresolved expression.
  std::string text;
  std::vector<Value> items;       // List
  std::vector<MapEntry> entries;  // Map, in source order, keys unique

  static Value null_at(uint32_t file, Span span);
  static Value string(std::string s, uint32_t file = kNoFile, Span span = {});
  static Value unknown(std::string expr, uint32_t file = kNoFile, Span span = {});
  static Value map(uint32_t file = kNoFile, Span span = {});
  static Value of_bool(bool b, uint32_t file = kNoFile, Span span = {});
  // A number whose text is format_number(d).
  static Value of_number(double d, uint32_t file = kNoFile, Span span = {});
  static Value list(uint32_t file = kNoFile, Span span = {});

  bool is_null() const { return kind == ValueKind::Null; }
  bool is_string() const { return kind == ValueKind::String; }
  bool is_map() const { return kind == ValueKind::Map; }
  bool is_list() const { return kind == ValueKind::List; }
  bool is_unknown() const { return kind == ValueKind::Unknown; }
  bool is_scalar() const { return kind != ValueKind::List && kind != ValueKind::Map; }

  // Map lookup; nullptr when this is not a map or has no such key.
  const Value* get(std::string_view key) const;
  Value* get(std::string_view key);
  // Successive map lookups: at({"spec", "template", "spec"}).
  const Value* at(std::initializer_list<std::string_view> keys) const;
  // The key's span of a map entry, when present.
  const MapEntry* entry(std::string_view key) const;

  // String value, or the scalar's source text for numbers and booleans; "" otherwise.
  std::string_view scalar_text() const;
  // Sets or replaces a map entry (this must be a map).
  Value& set(std::string key, Value v, Span key_span = {});
  bool erase(std::string_view key);
  // True when this value or anything inside it is unknown.
  bool contains_unknown() const;
  void mark_sensitive();
  size_t node_count() const;
};

struct MapEntry {
  std::string key;
  Span key_span;
  Value value;
};

// Builds a map key by key in linear time (Value::set scans the entries: fine for a handful,
// quadratic for an object of 30,000 keys).
class MapBuilder {
 public:
  explicit MapBuilder(Value& map);
  Value& set(std::string key, Value v, Span key_span = {});
  Value* get(const std::string& key);

 private:
  Value& map_;
  std::unordered_map<std::string, size_t> index_;
};

// A string, number or boolean as text ("3", not "3.0"; "true"): how Terraform converts a
// primitive to a string and how Checkov compares values. nullopt for anything else.
std::optional<std::string> scalar_to_text(const Value& v);

// A value as plain JSON (sorted keys; unknown and null are null; whole numbers are integers).
nlohmann::json to_plain_json(const Value& v);

// A number as text: integers without a fraction ("3", not "3.0"), others in the shortest form
// that reads back the same double.
std::string format_number(double d);

// Parses a YAML 1.2 core-schema number ("12", "-0.5", "1e3", "0x1F", "0o17", ".inf").
bool parse_number(std::string_view text, double& out);

}  // namespace infralint
