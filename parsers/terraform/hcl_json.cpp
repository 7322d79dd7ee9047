// Terraform's JSON syntax -> the hcl AST. The JSON is read through the YAML layer (JSON is
// YAML's flow style), which keeps every value's location; nlohmann/json validates it first
// so that JSON's own rules decide what is an error. A string holding "${" or "%{" is a
// template, parsed as Terraform parses it: decoded first, then read in template mode.
#include <nlohmann/json.hpp>

#include "parsers/terraform/hcl.hpp"
#include "parsers/yaml/yaml.hpp"

namespace infralint::hcl {

namespace {

// Block types whose JSON objects are bodies keyed by labels.
int label_count(std::string_view type) {
  if (type == "resource" || type == "data") return 2;
  if (type == "variable" || type == "module" || type == "output" || type == "provider") return 1;
  return 0;  // locals, terraform
}

Expr to_expr(const Value& v, uint32_t file) {
  Expr e;
  e.span = v.span;
  if (v.is_list()) {
    e.kind = ExprKind::Tuple;
    for (const auto& i : v.items) e.kids.push_back(to_expr(i, file));
    return e;
  }
  if (v.is_map()) {
    e.kind = ExprKind::Object;
    for (const auto& en : v.entries) {
      if (en.key == "//") continue;  // a comment
      Expr k;
      k.span = en.key_span;
      k.value = Value::string(en.key, file, en.key_span);
      e.kids.push_back(std::move(k));
      e.kids.push_back(to_expr(en.value, file));
    }
    return e;
  }
  if (v.is_string() &&
      (v.text.find("${") != std::string::npos || v.text.find("%{") != std::string::npos)) {
    const std::string heredoc = "<<__INFRALINT_EOT\n" + v.text + "\n__INFRALINT_EOT";
    if (auto parsed = parse_expression(heredoc, file, v.span)) {
      // The heredoc adds a final newline that the JSON string does not have.
      if (parsed->kind == ExprKind::Template && !parsed->kids.empty() &&
          parsed->kids.back().kind == ExprKind::Literal) {
        std::string& last = parsed->kids.back().value.text;
        if (!last.empty() && last.back() == '\n') last.pop_back();
      }
      return std::move(*parsed);
    }
  }
  e.kind = ExprKind::Literal;
  e.value = v;
  e.value.file = file;
  return e;
}

void to_body(const Value& obj, uint32_t file, Body& body, bool top_level);

void add_block(const std::string& type, const Value& v, uint32_t file, Body& body, Span type_span,
               int labels, std::vector<std::string> prefix = {},
               std::vector<Span> prefix_spans = {}) {
  if (labels > 0 && v.is_map()) {
    for (const auto& e : v.entries) {
      auto l = prefix;
      auto ls = prefix_spans;
      l.push_back(e.key);
      ls.push_back(e.key_span);
      add_block(type, e.value, file, body, type_span, labels - 1, l, ls);
    }
    return;
  }
  // A list of bodies is the block repeated.
  if (v.is_list()) {
    for (const auto& item : v.items)
      add_block(type, item, file, body, type_span, 0, prefix, prefix_spans);
    return;
  }
  Block b;
  b.type = type;
  b.type_span = type_span;
  b.labels = std::move(prefix);
  b.label_spans = std::move(prefix_spans);
  b.span = Span{type_span.begin, v.span.end};
  if (v.is_map()) to_body(v, file, b.body, false);
  body.blocks.push_back(std::move(b));
}

void to_body(const Value& obj, uint32_t file, Body& body, bool top_level) {
  for (const auto& e : obj.entries) {
    if (e.key == "//") continue;
    if (top_level) {
      add_block(e.key, e.value, file, body, e.key_span, label_count(e.key));
      continue;
    }
    // Meta blocks keep their block form; everything else is an attribute (an object or a
    // list of objects evaluates to the same value a nested block would).
    if (e.key == "dynamic" && e.value.is_map()) {
      add_block("dynamic", e.value, file, body, e.key_span, 1);
      continue;
    }
    if (e.key == "lifecycle" || e.key == "provisioner" || e.key == "connection" ||
        e.key == "content") {
      add_block(e.key, e.value, file, body, e.key_span, e.key == "provisioner" ? 1 : 0);
      continue;
    }
    Attribute a;
    a.name = e.key;
    a.name_span = e.key_span;
    a.span = Span{e.key_span.begin, e.value.span.end};
    a.expr = to_expr(e.value, file);
    body.attributes.push_back(std::move(a));
  }
}

}  // namespace

File parse_json(const SourceFile& source, uint32_t file_index, std::vector<Diagnostic>& diagnostics,
                bool is_tfvars, const ParseOptions& options) {
  (void)options;
  File f;
  f.file = file_index;
  f.source = &source;
  try {
    const auto validated = nlohmann::json::parse(source.text());
    (void)validated;
  } catch (const nlohmann::json::parse_error& e) {
    const uint32_t at = e.byte > 0 ? static_cast<uint32_t>(e.byte - 1) : 0;
    std::string what = e.what();
    const size_t colon = what.find("syntax error");
    diagnostics.push_back(
        Diagnostic{Severity::Error, source.path(), source.position(at),
                   "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon))});
    return f;
  }
  yaml::Result r = yaml::parse(source, file_index);
  for (auto& d : r.diagnostics) diagnostics.push_back(std::move(d));
  if (r.documents.empty() || !r.documents[0].root.is_map()) return f;
  const Value& root = r.documents[0].root;
  if (is_tfvars) {
    for (const auto& e : root.entries) {
      Attribute a;
      a.name = e.key;
      a.name_span = e.key_span;
      a.span = Span{e.key_span.begin, e.value.span.end};
      a.expr = to_expr(e.value, file_index);
      f.body.attributes.push_back(std::move(a));
    }
    return f;
  }
  to_body(root, file_index, f.body, true);
  return f;
}

}  // namespace infralint::hcl
