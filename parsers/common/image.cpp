#include "parsers/common/image.hpp"

namespace infralint {

ImageRef parse_image_ref(std::string_view s) {
  ImageRef r;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return r;
  if (const size_t at = s.find('@'); at != std::string_view::npos) {
    r.digest = std::string(s.substr(at + 1));
    s = s.substr(0, at);
  }
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    const std::string_view first = s.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      r.registry = std::string(first);
      s = s.substr(slash + 1);
    }
  }
  // The tag follows the last ':' of the last path component (a registry port was removed).
  const size_t last_slash = s.rfind('/');
  const size_t colon = s.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    r.tag = std::string(s.substr(colon + 1));
    s = s.substr(0, colon);
  }
  r.repository = std::string(s);
  r.valid = !r.repository.empty();
  return r;
}

Value image_value(const Value& raw) {
  if (raw.is_unknown()) return raw;
  Value v = Value::map(raw.file, raw.span);
  const std::string text(raw.scalar_text());
  const ImageRef ref = parse_image_ref(text);
  v.sensitive = raw.sensitive;
  auto field = [&](const char* key, const std::string& s) {
    Value f = s.empty() ? Value::null_at(raw.file, raw.span) : Value::string(s, raw.file, raw.span);
    f.sensitive = raw.sensitive;
    v.set(key, std::move(f), raw.span);
  };
  field("reference", text);
  field("registry", ref.registry);
  field("repository", ref.repository);
  field("tag", ref.tag);
  field("digest", ref.digest);
  return v;
}

Facet container_facet(std::string name, std::string path, const Value* image,
                      const Value* healthcheck, const Value* resources, const Value* user,
                      const Value* privileged) {
  Facet f;
  f.kind = "container";
  f.name = std::move(name);
  f.path = std::move(path);
  f.attributes = Value::map();
  auto put = [&](const char* key, const Value* v) {
    f.attributes.set(key, v ? *v : Value{}, v ? v->span : Span{});
  };
  if (image) {
    f.attributes.set("image", image_value(*image), image->span);
  } else {
    f.attributes.set("image", Value{});
  }
  put("healthcheck", healthcheck);
  put("resources", resources);
  put("user", user);
  put("privileged", privileged);
  return f;
}

void adopt_key_spans(Facet& f, const Value& source,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> aliases) {
  for (auto& e : f.attributes.entries) {
    std::string_view key = e.key;
    for (const auto& [from, to] : aliases) {
      if (from == key) key = to;
    }
    if (const MapEntry* src = source.entry(key)) e.key_span = src->key_span;
  }
}

}  // namespace infralint
