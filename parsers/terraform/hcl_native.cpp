// tree-sitter's HCL tree -> the hcl AST.
#include <tree_sitter/api.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "parsers/terraform/hcl.hpp"

extern "C" const TSLanguage* tree_sitter_hcl(void);

namespace infralint::hcl {

namespace {

struct Symbols {
  TSSymbol attribute, block, body, identifier, string_lit, expression, variable_expr, literal_value,
      numeric_lit, bool_lit, null_lit, template_expr, quoted_template, heredoc_template,
      template_literal, template_interpolation, template_directive, template_if, template_for,
      template_if_intro, template_else_intro, template_for_start, strip_marker, collection_value,
      tuple, object, object_elem, function_call, function_arguments, ellipsis, for_expr,
      for_tuple_expr, for_object_expr, for_intro, for_cond, operation, binary_operation,
      unary_operation, conditional, get_attr, index, new_index, legacy_index, splat, attr_splat,
      full_splat, heredoc_start, heredoc_identifier, comment;
};

const Symbols& symbols() {
  static const Symbols s = [] {
    const TSLanguage* lang = tree_sitter_hcl();
    auto id = [&](const char* name) {
      return ts_language_symbol_for_name(lang, name, std::strlen(name), true);
    };
    Symbols x{};
    x.attribute = id("attribute");
    x.block = id("block");
    x.body = id("body");
    x.identifier = id("identifier");
    x.string_lit = id("string_lit");
    x.expression = id("expression");
    x.variable_expr = id("variable_expr");
    x.literal_value = id("literal_value");
    x.numeric_lit = id("numeric_lit");
    x.bool_lit = id("bool_lit");
    x.null_lit = id("null_lit");
    x.template_expr = id("template_expr");
    x.quoted_template = id("quoted_template");
    x.heredoc_template = id("heredoc_template");
    x.template_literal = id("template_literal");
    x.template_interpolation = id("template_interpolation");
    x.template_directive = id("template_directive");
    x.template_if = id("template_if");
    x.template_for = id("template_for");
    x.template_if_intro = id("template_if_intro");
    x.template_else_intro = id("template_else_intro");
    x.template_for_start = id("template_for_start");
    x.strip_marker = id("strip_marker");
    x.collection_value = id("collection_value");
    x.tuple = id("tuple");
    x.object = id("object");
    x.object_elem = id("object_elem");
    x.function_call = id("function_call");
    x.function_arguments = id("function_arguments");
    x.ellipsis = id("ellipsis");
    x.for_expr = id("for_expr");
    x.for_tuple_expr = id("for_tuple_expr");
    x.for_object_expr = id("for_object_expr");
    x.for_intro = id("for_intro");
    x.for_cond = id("for_cond");
    x.operation = id("operation");
    x.binary_operation = id("binary_operation");
    x.unary_operation = id("unary_operation");
    x.conditional = id("conditional");
    x.get_attr = id("get_attr");
    x.index = id("index");
    x.new_index = id("new_index");
    x.legacy_index = id("legacy_index");
    x.splat = id("splat");
    x.attr_splat = id("attr_splat");
    x.full_splat = id("full_splat");
    x.heredoc_start = id("heredoc_start");
    x.heredoc_identifier = id("heredoc_identifier");
    x.comment = id("comment");
    return x;
  }();
  return s;
}

// Children through a cursor: ts_node_named_child(n, i) walks from the first child each time,
// which is quadratic on a node with thousands of children (an error-ridden file).
std::vector<TSNode> children_of(TSNode n, bool named_only) {
  std::vector<TSNode> out;
  TSTreeCursor cursor = ts_tree_cursor_new(n);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode c = ts_tree_cursor_current_node(&cursor);
      if (!named_only || ts_node_is_named(c)) out.push_back(c);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}
std::vector<TSNode> named_children(TSNode n) {
  return children_of(n, true);
}
std::vector<TSNode> all_children(TSNode n) {
  return children_of(n, false);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Quoted strings interpret backslash escapes; heredocs only "$${" and "%%{".
std::string unescape(std::string_view s, bool quoted) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if ((c == '$' || c == '%') && i + 2 < s.size() && s[i + 1] == c && s[i + 2] == '{') {
      out += c;
      out += '{';
      i += 2;
      continue;
    }
    if (!quoted || c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case 'u':
      case 'U': {
        const size_t len = e == 'u' ? 4 : 8;
        if (i + len < s.size()) {
          uint32_t cp = 0;
          bool ok = true;
          for (size_t k = 1; k <= len && ok; ++k) {
            const char h = i + k < s.size() ? s[i + k] : 'x';
            cp <<= 4;
            if (h >= '0' && h <= '9') {
              cp |= static_cast<uint32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
              cp |= static_cast<uint32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
              cp |= static_cast<uint32_t>(h - 'A' + 10);
            } else {
              ok = false;
            }
          }
          if (ok) {
            append_utf8(out, cp);
            i += len;
            break;
          }
        }
        out += '\\';
        out += e;
        break;
      }
      default:
        out += '\\';
        out += e;
    }
  }
  return out;
}

class Converter {
 public:
  Converter(const SourceFile& src, uint32_t file, std::vector<Diagnostic>& diags,
            const ParseOptions& opt)
      : src_(src), file_(file), diags_(diags), opt_(opt), sym_(symbols()) {}

  Body body(TSNode node, size_t depth);
  Expr expr(TSNode node, size_t depth);

 private:
  std::string_view text(TSNode n) const {
    const uint32_t b = ts_node_start_byte(n);
    const uint32_t e = ts_node_end_byte(n);
    return std::string_view(src_.text()).substr(b, e - b);
  }
  Span span(TSNode n) const { return Span{ts_node_start_byte(n), ts_node_end_byte(n)}; }
  bool too_deep(TSNode n, size_t depth) {
    if (depth < opt_.max_depth) return false;
    if (!depth_reported_) {
      diags_.push_back(Diagnostic{
          Severity::Error, src_.path(), src_.position(ts_node_start_byte(n)),
          "nesting deeper than " + std::to_string(opt_.max_depth) + " levels: not evaluated"});
      depth_reported_ = true;
    }
    return true;
  }
  Expr unknown(TSNode n) {
    Expr e;
    e.span = span(n);
    e.value = Value::unknown(std::string(text(n)), file_, e.span);
    return e;
  }
  Expr literal(Value v, Span s) {
    Expr e;
    e.kind = ExprKind::Literal;
    e.span = s;
    v.file = file_;
    v.span = s;
    e.value = std::move(v);
    return e;
  }
  Expr template_parts(TSNode node, size_t depth, bool quoted);
  void gap(Expr& tpl, uint32_t from, uint32_t to, bool quoted) {
    if (from == 0 || to <= from) return;
    tpl.kids.push_back(literal(
        Value::string(unescape(std::string_view(src_.text()).substr(from, to - from), quoted)),
        Span{from, to}));
  }
  void add_part(Expr& tpl, TSNode child, size_t depth, bool quoted);
  Expr postfix(Expr base, TSNode op, size_t depth);
  Expr for_expr(TSNode node, size_t depth);
  Expr string_lit(TSNode node);

  const SourceFile& src_;
  uint32_t file_;
  std::vector<Diagnostic>& diags_;
  const ParseOptions& opt_;
  const Symbols& sym_;
  bool depth_reported_ = false;
};

Expr Converter::string_lit(TSNode node) {
  std::string s;
  const std::vector<TSNode> n_nodes = named_children(node);
  for (uint32_t i = 0; i < n_nodes.size(); ++i) {
    TSNode c = n_nodes[i];
    if (ts_node_symbol(c) == sym_.template_literal) s += unescape(text(c), true);
  }
  Value v = Value::string(std::move(s));
  v.quoted = true;
  return literal(std::move(v), span(node));
}

void Converter::add_part(Expr& tpl, TSNode c, size_t depth, bool quoted) {
  const TSSymbol s = ts_node_symbol(c);
  if (s == sym_.template_literal) {
    tpl.kids.push_back(literal(Value::string(unescape(text(c), quoted)), span(c)));
  } else if (s == sym_.template_interpolation) {
    Expr interp;
    interp.kind = ExprKind::Interp;
    interp.span = span(c);
    bool seen_expr = false;
    const std::vector<TSNode> n_nodes = named_children(c);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode k = n_nodes[i];
      if (ts_node_symbol(k) == sym_.strip_marker) {
        (seen_expr ? interp.strip_right : interp.strip_left) = true;
      } else if (ts_node_symbol(k) == sym_.expression) {
        interp.kids.push_back(expr(k, depth + 1));
        seen_expr = true;
      }
    }
    if (interp.kids.empty()) interp.kids.push_back(unknown(c));
    tpl.kids.push_back(std::move(interp));
  } else if (s == sym_.template_directive) {
    TSNode d = ts_node_named_child(c, 0);
    if (ts_node_is_null(d)) return;
    const bool is_if = ts_node_symbol(d) == sym_.template_if;
    Expr dir;
    dir.kind = is_if ? ExprKind::TemplateIf : ExprKind::TemplateFor;
    dir.span = span(d);
    Expr current;
    current.kind = ExprKind::Template;
    current.span = span(d);
    Expr cond;
    Expr else_part;
    bool in_else = false;
    uint32_t cursor = 0;
    const std::vector<TSNode> n_nodes = named_children(d);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode k = n_nodes[i];
      const TSSymbol ks = ts_node_symbol(k);
      Expr& target = in_else ? else_part : current;
      if (ks == sym_.template_if_intro || ks == sym_.template_for_start) {
        std::vector<std::string> names;
        const std::vector<TSNode> m_nodes = named_children(k);
        for (uint32_t j = 0; j < m_nodes.size(); ++j) {
          TSNode x = m_nodes[j];
          if (ts_node_symbol(x) == sym_.identifier) names.emplace_back(text(x));
          if (ts_node_symbol(x) == sym_.expression) cond = expr(x, depth + 1);
          if (ts_node_symbol(x) == sym_.strip_marker && j == 1) dir.strip_left = true;
        }
        if (names.size() == 2) {
          dir.key_name = names[0];
          dir.name = names[1];
        } else if (names.size() == 1) {
          dir.name = names[0];
        }
        cursor = ts_node_end_byte(k);
      } else if (ks == sym_.template_else_intro) {
        gap(target, cursor, ts_node_start_byte(k), quoted);
        in_else = true;
        else_part.kind = ExprKind::Template;
        else_part.span = span(k);
        cursor = ts_node_end_byte(k);
      } else if (ks == sym_.template_literal || ks == sym_.template_interpolation ||
                 ks == sym_.template_directive) {
        gap(target, cursor, ts_node_start_byte(k), quoted);
        add_part(target, k, depth + 1, quoted);
        cursor = ts_node_end_byte(k);
      } else {  // the end of the directive
        gap(target, cursor, ts_node_start_byte(k), quoted);
        cursor = ts_node_end_byte(k);
      }
    }
    dir.kids.push_back(std::move(cond));
    dir.kids.push_back(std::move(current));
    if (is_if && in_else) dir.kids.push_back(std::move(else_part));
    tpl.kids.push_back(std::move(dir));
  }
}

Expr Converter::template_parts(TSNode node, size_t depth, bool quoted) {
  Expr tpl;
  tpl.kind = ExprKind::Template;
  tpl.span = span(node);
  bool strip_indent = false;
  // Whitespace between parts may not be a node of its own: the bytes between the opening and
  // closing delimiters that no part covers are literal text too.
  uint32_t cursor = 0;
  bool opened = false;
  for (TSNode c : named_children(node)) {
    const TSSymbol cs = ts_node_symbol(c);
    if (cs == sym_.heredoc_start) {
      strip_indent = text(c).find('-') != std::string_view::npos;
      continue;
    }
    const bool is_delimiter = cs == sym_.heredoc_identifier || ts_node_is_named(c) == false ||
                              std::strcmp(ts_node_type(c), "quoted_template_start") == 0 ||
                              std::strcmp(ts_node_type(c), "quoted_template_end") == 0;
    if (is_delimiter) {
      if (opened) {
        // The closing delimiter: for a heredoc, its own line's indentation is not content.
        uint32_t end = ts_node_start_byte(c);
        if (!quoted) {
          while (end > cursor && (src_.text()[end - 1] == ' ' || src_.text()[end - 1] == '\t'))
            --end;
        }
        gap(tpl, cursor, end, quoted);
        break;
      }
      opened = true;
      cursor = ts_node_end_byte(c);
      continue;
    }
    gap(tpl, cursor, ts_node_start_byte(c), quoted);
    add_part(tpl, c, depth, quoted);
    cursor = ts_node_end_byte(c);
  }
  // Adjacent literal pieces (a part and the whitespace gap before it) are one literal.
  std::vector<Expr> merged;
  for (auto& k : tpl.kids) {
    if (k.kind == ExprKind::Literal && !merged.empty() && merged.back().kind == ExprKind::Literal) {
      merged.back().value.text += k.value.text;
      merged.back().span.end = k.span.end;
      merged.back().value.span.end = k.span.end;
    } else {
      merged.push_back(std::move(k));
    }
  }
  tpl.kids = std::move(merged);
  if (!quoted) {
    // The heredoc body starts after the line of its opening marker.
    if (!tpl.kids.empty() && tpl.kids.front().kind == ExprKind::Literal) {
      std::string& first = tpl.kids.front().value.text;
      if (!first.empty() && first[0] == '\n') first.erase(0, 1);
    }
    if (strip_indent) {
      // <<- removes the smallest indentation of the non-blank lines.
      size_t min_indent = std::string::npos;
      bool at_line_start = true;
      for (const auto& k : tpl.kids) {
        if (k.kind != ExprKind::Literal) {
          at_line_start = false;
          continue;
        }
        const std::string& t = k.value.text;
        for (size_t i = 0; i < t.size(); ++i) {
          if (at_line_start) {
            size_t j = i;
            while (j < t.size() && (t[j] == ' ' || t[j] == '\t')) ++j;
            if (j < t.size() && t[j] != '\n') min_indent = std::min(min_indent, j - i);
            at_line_start = false;
          }
          if (t[i] == '\n') at_line_start = true;
        }
      }
      if (min_indent != std::string::npos && min_indent > 0) {
        at_line_start = true;
        for (auto& k : tpl.kids) {
          if (k.kind != ExprKind::Literal) {
            at_line_start = false;
            continue;
          }
          std::string out;
          const std::string& t = k.value.text;
          for (size_t i = 0; i < t.size(); ++i) {
            if (at_line_start) {
              size_t j = 0;
              while (j < min_indent && i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i, ++j;
              at_line_start = false;
              if (i >= t.size()) break;
            }
            out += t[i];
            if (t[i] == '\n') at_line_start = true;
          }
          k.value.text = std::move(out);
        }
      }
    }
  }
  return tpl;
}

Expr Converter::postfix(Expr base, TSNode op, size_t depth) {
  const TSSymbol s = ts_node_symbol(op);
  Expr e;
  e.span = Span{base.span.begin, ts_node_end_byte(op)};
  if (s == sym_.get_attr) {
    e.kind = ExprKind::GetAttr;
    TSNode id = ts_node_named_child(op, 0);
    e.name = ts_node_is_null(id) ? "" : std::string(text(id));
    e.kids.push_back(std::move(base));
    return e;
  }
  if (s == sym_.index) {
    e.kind = ExprKind::Index;
    TSNode inner = ts_node_named_child(op, 0);
    e.kids.push_back(std::move(base));
    if (!ts_node_is_null(inner) && ts_node_symbol(inner) == sym_.new_index) {
      TSNode x = ts_node_named_child(inner, 0);
      e.kids.push_back(ts_node_is_null(x) ? unknown(inner) : expr(x, depth + 1));
    } else if (!ts_node_is_null(inner)) {  // legacy ".0"
      std::string_view t = text(inner);
      while (!t.empty() && t.front() == '.') t.remove_prefix(1);
      Value v;
      v.kind = ValueKind::Number;
      parse_number(t, v.number);
      v.text = std::string(t);
      e.kids.push_back(literal(std::move(v), span(inner)));
    }
    return e;
  }
  if (s == sym_.splat) {
    TSNode inner = ts_node_named_child(op, 0);
    e.kind = ExprKind::Splat;
    e.kids.push_back(std::move(base));
    Expr item;
    item.kind = ExprKind::SplatItem;
    item.span = span(op);
    if (!ts_node_is_null(inner)) {
      for (TSNode step : named_children(inner)) item = postfix(std::move(item), step, depth + 1);
    }
    e.kids.push_back(std::move(item));
    return e;
  }
  return base;
}

Expr Converter::for_expr(TSNode node, size_t depth) {
  TSNode inner = ts_node_named_child(node, 0);
  Expr e;
  e.span = span(node);
  if (ts_node_is_null(inner)) return unknown(node);
  const bool is_object = ts_node_symbol(inner) == sym_.for_object_expr;
  e.kind = is_object ? ExprKind::ForObject : ExprKind::ForTuple;
  std::vector<Expr> results;
  Expr collection;
  Expr condition;
  const std::vector<TSNode> n_nodes = named_children(inner);
  for (uint32_t i = 0; i < n_nodes.size(); ++i) {
    TSNode c = n_nodes[i];
    const TSSymbol s = ts_node_symbol(c);
    if (s == sym_.for_intro) {
      std::vector<std::string> names;
      const std::vector<TSNode> m_nodes = named_children(c);
      for (uint32_t j = 0; j < m_nodes.size(); ++j) {
        TSNode x = m_nodes[j];
        if (ts_node_symbol(x) == sym_.identifier) names.emplace_back(text(x));
        if (ts_node_symbol(x) == sym_.expression) collection = expr(x, depth + 1);
      }
      if (names.size() == 2) {
        e.key_name = names[0];
        e.name = names[1];
      } else if (!names.empty()) {
        e.name = names[0];
      }
    } else if (s == sym_.expression) {
      results.push_back(expr(c, depth + 1));
    } else if (s == sym_.ellipsis) {
      e.grouping = true;
    } else if (s == sym_.for_cond) {
      TSNode x = ts_node_named_child(c, 0);
      if (!ts_node_is_null(x)) {
        condition = expr(x, depth + 1);
        e.has_condition = true;
      }
    }
  }
  e.kids.push_back(std::move(collection));
  for (auto& r : results) e.kids.push_back(std::move(r));
  if (e.kids.size() != (is_object ? 3u : 2u)) return unknown(node);
  if (e.has_condition) e.kids.push_back(std::move(condition));
  return e;
}

Expr Converter::expr(TSNode node, size_t depth) {
  if (too_deep(node, depth) || ts_node_is_error(node) || ts_node_is_missing(node))
    return unknown(node);
  const TSSymbol s = ts_node_symbol(node);
  if (s == sym_.expression) {
    const std::vector<TSNode> parts = named_children(node);
    if (parts.empty()) return unknown(node);
    TSNode first = parts[0];
    Expr e;
    if (ts_node_symbol(first) == sym_.expression) {
      e.kind = ExprKind::Parens;
      e.span = span(first);
      e.kids.push_back(expr(first, depth + 1));
    } else {
      e = expr(first, depth + 1);
    }
    for (size_t i = 1; i < parts.size(); ++i) e = postfix(std::move(e), parts[i], depth + 1);
    e.span.end = ts_node_end_byte(node);
    return e;
  }
  if (s == sym_.variable_expr) {
    Expr e;
    e.kind = ExprKind::Variable;
    e.span = span(node);
    e.name = std::string(text(node));
    return e;
  }
  if (s == sym_.literal_value) {
    TSNode c = ts_node_named_child(node, 0);
    if (ts_node_is_null(c)) return unknown(node);
    const TSSymbol cs = ts_node_symbol(c);
    if (cs == sym_.string_lit) return string_lit(c);
    Value v;
    v.text = std::string(text(c));
    if (cs == sym_.numeric_lit) {
      v.kind = ValueKind::Number;
      if (!parse_number(v.text, v.number)) return unknown(node);
    } else if (cs == sym_.bool_lit) {
      v.kind = ValueKind::Bool;
      v.boolean = v.text == "true";
    }
    return literal(std::move(v), span(node));
  }
  if (s == sym_.template_expr) {
    TSNode c = ts_node_named_child(node, 0);
    if (ts_node_is_null(c)) return unknown(node);
    return template_parts(c, depth + 1, ts_node_symbol(c) == sym_.quoted_template);
  }
  if (s == sym_.collection_value) {
    TSNode c = ts_node_named_child(node, 0);
    if (ts_node_is_null(c)) return unknown(node);
    return expr(c, depth + 1);
  }
  if (s == sym_.tuple) {
    Expr e;
    e.kind = ExprKind::Tuple;
    e.span = span(node);
    const std::vector<TSNode> n_nodes = named_children(node);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode c = n_nodes[i];
      if (ts_node_symbol(c) == sym_.expression) e.kids.push_back(expr(c, depth + 1));
    }
    return e;
  }
  if (s == sym_.object) {
    Expr e;
    e.kind = ExprKind::Object;
    e.span = span(node);
    const std::vector<TSNode> n_nodes = named_children(node);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode c = n_nodes[i];
      if (ts_node_symbol(c) != sym_.object_elem) continue;
      TSNode k = ts_node_child_by_field_name(c, "key", 3);
      TSNode v = ts_node_child_by_field_name(c, "val", 3);
      if (ts_node_is_null(k) || ts_node_is_null(v)) continue;
      Expr key = expr(k, depth + 1);
      // A bare identifier as a key is the key's name, not a variable.
      if (key.kind == ExprKind::Variable) key = literal(Value::string(key.name), key.span);
      e.kids.push_back(std::move(key));
      e.kids.push_back(expr(v, depth + 1));
    }
    return e;
  }
  if (s == sym_.function_call) {
    Expr e;
    e.kind = ExprKind::Call;
    e.span = span(node);
    const std::vector<TSNode> n_nodes = named_children(node);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode c = n_nodes[i];
      if (ts_node_symbol(c) == sym_.identifier) e.name = std::string(text(c));
      if (ts_node_symbol(c) != sym_.function_arguments) continue;
      const std::vector<TSNode> m_nodes = named_children(c);
      for (uint32_t j = 0; j < m_nodes.size(); ++j) {
        TSNode a = m_nodes[j];
        if (ts_node_symbol(a) == sym_.expression) e.kids.push_back(expr(a, depth + 1));
        if (ts_node_symbol(a) == sym_.ellipsis) e.expand_last = true;
      }
    }
    return e;
  }
  if (s == sym_.for_expr) return for_expr(node, depth + 1);
  if (s == sym_.operation) {
    TSNode c = ts_node_named_child(node, 0);
    if (ts_node_is_null(c)) return unknown(node);
    return expr(c, depth + 1);
  }
  if (s == sym_.binary_operation || s == sym_.unary_operation) {
    // Operands may be flattened into their parts (a variable and its get_attr siblings):
    // the operator token splits them.
    Expr e;
    e.kind = s == sym_.binary_operation ? ExprKind::Binary : ExprKind::Unary;
    e.span = span(node);
    std::vector<std::vector<TSNode>> operands(1);
    for (TSNode c : all_children(node)) {
      if (ts_node_is_named(c)) {
        if (ts_node_symbol(c) != sym_.comment) operands.back().push_back(c);
      } else if (e.name.empty() && text(c) != "(" && text(c) != ")") {
        e.name = std::string(text(c));
        if (!operands.back().empty()) operands.emplace_back();
      }
    }
    for (const auto& parts : operands) {
      if (parts.empty()) continue;
      Expr operand = expr(parts[0], depth + 1);
      for (size_t k = 1; k < parts.size(); ++k)
        operand = postfix(std::move(operand), parts[k], depth + 1);
      e.kids.push_back(std::move(operand));
    }
    if (e.kids.size() != (e.kind == ExprKind::Binary ? 2u : 1u)) return unknown(node);
    return e;
  }
  if (s == sym_.conditional) {
    Expr e;
    e.kind = ExprKind::Conditional;
    e.span = span(node);
    const std::vector<TSNode> n_nodes = named_children(node);
    for (uint32_t i = 0; i < n_nodes.size(); ++i) {
      TSNode c = n_nodes[i];
      if (ts_node_symbol(c) == sym_.expression) e.kids.push_back(expr(c, depth + 1));
    }
    if (e.kids.size() != 3) return unknown(node);
    return e;
  }
  return unknown(node);
}

Body Converter::body(TSNode node, size_t depth) {
  Body b;
  if (too_deep(node, depth)) return b;
  const std::vector<TSNode> n_nodes = named_children(node);
  for (uint32_t i = 0; i < n_nodes.size(); ++i) {
    TSNode c = n_nodes[i];
    const TSSymbol s = ts_node_symbol(c);
    if (s == sym_.attribute) {
      TSNode id = ts_node_named_child(c, 0);
      TSNode ex = ts_node_named_child(c, 1);
      if (ts_node_is_null(id) || ts_node_is_null(ex) || ts_node_is_missing(id)) continue;
      Attribute a;
      a.name = std::string(text(id));
      a.name_span = span(id);
      a.span = span(c);
      a.expr = expr(ex, depth + 1);
      b.attributes.push_back(std::move(a));
    } else if (s == sym_.block) {
      Block blk;
      blk.span = span(c);
      const std::vector<TSNode> m_nodes = named_children(c);
      for (uint32_t j = 0; j < m_nodes.size(); ++j) {
        TSNode k = m_nodes[j];
        const TSSymbol ks = ts_node_symbol(k);
        if (j == 0 && ks == sym_.identifier) {
          blk.type = std::string(text(k));
          blk.type_span = span(k);
        } else if (ks == sym_.string_lit) {
          blk.labels.push_back(string_lit(k).value.text);
          blk.label_spans.push_back(span(k));
        } else if (ks == sym_.identifier) {
          blk.labels.emplace_back(text(k));
          blk.label_spans.push_back(span(k));
        } else if (ks == sym_.body) {
          blk.body = body(k, depth + 1);
        }
      }
      if (!blk.type.empty()) b.blocks.push_back(std::move(blk));
    }
  }
  return b;
}

// The first few ERROR and MISSING nodes of a tree, as diagnostics.
void report_errors(TSNode root, const SourceFile& src, std::vector<Diagnostic>& diags) {
  constexpr size_t kMaxErrors = 5;
  size_t found = 0;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool descend = true;
  while (found < kMaxErrors) {
    TSNode n = ts_tree_cursor_current_node(&cursor);
    if (descend && (ts_node_is_error(n) || ts_node_is_missing(n))) {
      std::string msg;
      if (ts_node_is_missing(n)) {
        msg = std::string("syntax error: missing \"") + ts_node_type(n) + "\"";
      } else {
        const uint32_t b = ts_node_start_byte(n);
        std::string_view t =
            std::string_view(src.text()).substr(b, std::min<uint32_t>(ts_node_end_byte(n) - b, 40));
        const size_t nl = t.find('\n');
        if (nl != std::string_view::npos) t = t.substr(0, nl);
        msg = "syntax error: unexpected \"" + std::string(t) + "\"";
      }
      diags.push_back(Diagnostic{Severity::Error, src.path(), src.position(ts_node_start_byte(n)),
                                 std::move(msg)});
      ++found;
      descend = false;  // one diagnostic per error subtree
    }
    if (descend && ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cursor)) continue;
    if (ts_tree_cursor_goto_next_sibling(&cursor)) {
      descend = true;
      continue;
    }
    bool up = false;
    while (ts_tree_cursor_goto_parent(&cursor)) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        up = true;
        break;
      }
    }
    if (!up) break;
    descend = true;
  }
  ts_tree_cursor_delete(&cursor);
}

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};

// One parser per thread, reused across files.
TSParser* thread_parser() {
  thread_local std::unique_ptr<TSParser, ParserDeleter> parser = [] {
    std::unique_ptr<TSParser, ParserDeleter> p(ts_parser_new());
    ts_parser_set_language(p.get(), tree_sitter_hcl());
    return p;
  }();
  return parser.get();
}

}  // namespace

const Attribute* Body::attribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

struct SyntaxTree {
  TSTree* tree;
  explicit SyntaxTree(TSTree* t) : tree(t) {}
  ~SyntaxTree() { ts_tree_delete(tree); }
  SyntaxTree(const SyntaxTree&) = delete;
  SyntaxTree& operator=(const SyntaxTree&) = delete;
};

namespace {

TSPoint point_at(const std::string& text, uint32_t offset) {
  uint32_t row = 0, line_start = 0;
  for (const char* p = text.data();
       (p = static_cast<const char*>(std::memchr(p, '\n', text.data() + offset - p))); ++p) {
    ++row;
    line_start = static_cast<uint32_t>(p - text.data()) + 1;
  }
  return TSPoint{row, offset - line_start};
}

// The one edit that turns `before` into `after`: everything between their common prefix and
// their common suffix was replaced.
TSInputEdit edit_between(const std::string& before, const std::string& after) {
  const size_t limit = std::min(before.size(), after.size());
  size_t prefix = 0;
  while (prefix < limit && before[prefix] == after[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  TSInputEdit e{};
  e.start_byte = static_cast<uint32_t>(prefix);
  e.old_end_byte = static_cast<uint32_t>(before.size() - suffix);
  e.new_end_byte = static_cast<uint32_t>(after.size() - suffix);
  e.start_point = point_at(before, e.start_byte);
  e.old_end_point = point_at(before, e.old_end_byte);
  e.new_end_point = point_at(after, e.new_end_byte);
  return e;
}

}  // namespace

File parse_native(const SourceFile& source, uint32_t file_index,
                  std::vector<Diagnostic>& diagnostics, const ParseOptions& options,
                  Incremental* incremental) {
  File f;
  f.file = file_index;
  f.source = &source;
  TSParser* parser = thread_parser();
  // Error recovery can go quadratic on hostile input (thousands of unclosed "${"): the parse has
  // a time budget of a second plus a second per 256 KB (ten times tree-sitter's usual pace).
  struct Budget {
    std::chrono::steady_clock::time_point deadline;
    uint32_t stopped_at = 0;
    bool cancelled = false;
  } budget;
  budget.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1) +
                    std::chrono::microseconds(source.text().size() * 4);
  struct Buffer {
    const std::string* text;
  } buffer{&source.text()};
  TSInput input{};
  input.payload = &buffer;
  input.read = [](void* payload, uint32_t byte, TSPoint, uint32_t* read) -> const char* {
    const std::string& t = *static_cast<Buffer*>(payload)->text;
    if (byte >= t.size()) {
      *read = 0;
      return "";
    }
    *read = static_cast<uint32_t>(t.size() - byte);
    return t.data() + byte;
  };
  input.encoding = TSInputEncodingUTF8;
  TSParseOptions options_ts{};
  options_ts.payload = &budget;
  options_ts.progress_callback = [](TSParseState* state) {
    auto* b = static_cast<Budget*>(state->payload);
    if (std::chrono::steady_clock::now() < b->deadline) return false;
    b->cancelled = true;
    b->stopped_at = state->current_byte_offset;
    return true;  // cancel
  };
  TSTree* old_tree = nullptr;
  if (incremental && incremental->previous && incremental->previous_source) {
    old_tree = ts_tree_copy(incremental->previous->tree);
    const TSInputEdit edit = edit_between(incremental->previous_source->text(), source.text());
    ts_tree_edit(old_tree, &edit);
  }
  TSTree* tree = ts_parser_parse_with_options(parser, old_tree, input, options_ts);
  if (old_tree) ts_tree_delete(old_tree);
  if (budget.cancelled || !tree) {
    ts_parser_reset(parser);
    if (tree) ts_tree_delete(tree);
    diagnostics.push_back(
        Diagnostic{Severity::Error, source.path(), source.position(budget.stopped_at),
                   "the HCL parser gave up here: the file is too pathological to parse in time "
                   "(not evaluated)"});
    return f;
  }
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) report_errors(root, source, diagnostics);
  Converter conv(source, file_index, diagnostics, options);
  const std::vector<TSNode> n_nodes = named_children(root);
  for (uint32_t i = 0; i < n_nodes.size(); ++i) {
    TSNode c = n_nodes[i];
    if (ts_node_symbol(c) == symbols().body) f.body = conv.body(c, 0);
  }
  if (incremental) {
    incremental->tree = std::make_shared<const SyntaxTree>(tree);
  } else {
    ts_tree_delete(tree);
  }
  return f;
}

std::unique_ptr<Expr> parse_expression(std::string_view text, uint32_t file_index, Span anchor) {
  const std::string prefix = "__expr = ";
  SourceFile src("", prefix + std::string(text) + "\n");
  std::vector<Diagnostic> diags;
  File f = parse_native(src, file_index, diags);
  if (!diags.empty() || f.body.attributes.size() != 1) return nullptr;
  auto e = std::make_unique<Expr>(std::move(f.body.attributes[0].expr));
  // Everything points at the anchor: the text came from somewhere else (a JSON string, --var).
  std::vector<Expr*> stack{e.get()};
  while (!stack.empty()) {
    Expr* x = stack.back();
    stack.pop_back();
    x->span = anchor;
    if (x->kind == ExprKind::Literal) x->value.span = anchor;
    for (auto& k : x->kids) stack.push_back(&k);
  }
  return e;
}

std::string expr_text(const SourceFile& source, const Expr& e) {
  if (e.span.end <= e.span.begin || e.span.end > source.text().size()) return {};
  return std::string(source.text().substr(e.span.begin, e.span.end - e.span.begin));
}

}  // namespace infralint::hcl
