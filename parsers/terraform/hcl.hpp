// HCL syntax for Terraform: the native syntax through tree-sitter's HCL grammar and the JSON
// syntax through nlohmann/json, both into one small AST with byte spans.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/graph.hpp"
#include "engine/source.hpp"
#include "engine/value.hpp"

namespace infralint::hcl {

enum class ExprKind : uint8_t {
  Literal,      // value
  Template,     // kids: parts (Literal strings, Interp, TemplateIf, TemplateFor)
  Interp,       // kids[0]: expression; strip_left/right
  TemplateIf,   // kids[0]: condition, kids[1]: then (Template), kids[2]: else (Template, optional)
  TemplateFor,  // names: key (optional), value; kids[0]: collection, kids[1]: body (Template)
  Variable,     // name
  GetAttr,      // kids[0]: object; name
  Index,        // kids[0]: object, kids[1]: key
  Splat,        // kids[0]: source; kids[1]: traversal applied to each element, rooted at SplatItem
  SplatItem,    // the element inside a splat's traversal
  Call,         // name; kids: arguments; expand_last for f(x...)
  Tuple,        // kids: elements
  Object,       // kids: key, value, key, value, ...
  Conditional,  // kids: condition, true, false
  Binary,       // name: operator; kids: left, right
  Unary,        // name: operator ("!" or "-"); kids[0]
  ForTuple,     // names: key (optional), value; kids: collection, value, [condition]
  ForObject,    // names: key, value; kids: collection, key, value, [condition]; grouping
  Parens,       // kids[0]
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  Span span;
  std::string name;
  std::string key_name;  // for-expressions and template for: the key variable ("" when absent)
  Value value;           // Literal
  bool expand_last = false;
  bool grouping = false;  // for-object "..."
  bool has_condition = false;
  bool strip_left = false;
  bool strip_right = false;
  std::vector<Expr> kids;
};

struct Block;

struct Attribute {
  std::string name;
  Span name_span;
  Span span;  // name to end of expression
  Expr expr;
};

struct Body {
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;
  const Attribute* attribute(std::string_view name) const;
};

struct Block {
  std::string type;
  std::vector<std::string> labels;
  std::vector<Span> label_spans;
  Span span;       // the whole block
  Span type_span;  // the block type keyword
  Body body;
};

struct File {
  uint32_t file = kNoFile;
  const SourceFile* source = nullptr;
  Body body;
};

struct ParseOptions {
  size_t max_depth = 256;  // nested expressions and blocks
};

// A native-syntax file's syntax tree (tree-sitter's), kept to parse its next version
// incrementally: the edit between the two texts is derived from them (their common prefix and
// suffix), and only what it touched is parsed again.
struct SyntaxTree;
struct Incremental {
  const SourceFile* previous_source = nullptr;  // the text `previous` was parsed from
  std::shared_ptr<const SyntaxTree> previous;   // may be null: a full parse
  std::shared_ptr<const SyntaxTree> tree;       // out: the tree of this parse
};

// Parses native syntax (.tf, .tofu, .tfvars). Syntax errors become diagnostics at the error
// node; the rest of the file still yields what it can. With `incremental`, reparses from the
// previous tree and keeps the new one.
File parse_native(const SourceFile& source, uint32_t file_index,
                  std::vector<Diagnostic>& diagnostics, const ParseOptions& options = {},
                  Incremental* incremental = nullptr);
// Parses JSON syntax (.tf.json, .tofu.json, .tfvars.json); strings holding "${" are templates.
File parse_json(const SourceFile& source, uint32_t file_index, std::vector<Diagnostic>& diagnostics,
                bool is_tfvars, const ParseOptions& options = {});
// Parses one expression from text (used by the JSON syntax and by --var).
std::unique_ptr<Expr> parse_expression(std::string_view text, uint32_t file_index, Span anchor);

// The source text of an expression, for unknown values and messages.
std::string expr_text(const SourceFile& source, const Expr& e);

}  // namespace infralint::hcl
