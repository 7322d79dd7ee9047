#include "parsers/terraform/eval.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace infralint::tf {

using hcl::Expr;
using hcl::ExprKind;

Value make_bool(bool b) {
  return Value::of_bool(b);
}

Value make_number(double d) {
  // Terraform computes with 512-bit decimals: 0.1 + 0.2 is 0.3. Fractions are kept to 15
  // significant digits, which a double holds exactly enough to print as Terraform does.
  if (std::isfinite(d) && d != std::floor(d)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", d);
    d = std::strtod(buf, nullptr);
  }
  return Value::of_number(d);
}

Value make_string(std::string s) {
  return Value::string(std::move(s));
}

std::optional<double> to_number(const Value& v) {
  if (v.kind == ValueKind::Number) return v.number;
  if (v.kind == ValueKind::String) {
    double d = 0;
    if (parse_number(v.text, d)) return d;
  }
  return std::nullopt;
}

std::optional<bool> to_bool(const Value& v) {
  if (v.kind == ValueKind::Bool) return v.boolean;
  if (v.kind == ValueKind::String && (v.text == "true" || v.text == "false"))
    return v.text == "true";
  return std::nullopt;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::Null:
      return true;
    case ValueKind::Bool:
      return a.boolean == b.boolean;
    case ValueKind::Number:
      return a.number == b.number;
    case ValueKind::String:
      return a.text == b.text;
    case ValueKind::List:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (!values_equal(a.items[i], b.items[i])) return false;
      }
      return true;
    case ValueKind::Map:
      if (a.entries.size() != b.entries.size()) return false;
      for (const auto& e : a.entries) {
        const Value* o = b.get(e.key);
        if (!o || !values_equal(e.value, *o)) return false;
      }
      return true;
    case ValueKind::Unknown:
      return false;
  }
  return false;
}

bool any_sensitive(const std::vector<Value>& vs) {
  return std::any_of(vs.begin(), vs.end(), [](const Value& v) { return v.sensitive; });
}

void anchor(Value& v, uint32_t file, Span span) {
  v.file = file;
  v.span = span;
  for (auto& i : v.items) anchor(i, file, span);
  for (auto& e : v.entries) {
    e.key_span = span;
    anchor(e.value, file, span);
  }
}

const Value* Evaluator::local(const std::string& name) const {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

Value Evaluator::eval(const Expr& e) {
  steps_ = 0;
  error_ = false;
  Value v = ev(e);
  if (v.file == kNoFile) {
    v.file = file_;
    v.span = e.span;
  }
  if (v.is_unknown() && v.text.empty() && source_) v.text = hcl::expr_text(*source_, e);
  return v;
}

Value Evaluator::get_attr(const Value& obj, const std::string& name) {
  if (obj.is_unknown()) return obj;
  if (obj.is_map()) {
    if (const Value* v = obj.get(name)) return *v;
    // A resource attribute the provider computes (an id, an arn) is not in the config: unknown.
    // Any other object without the attribute is an error (try() and can() see it).
    return obj.open ? Value::unknown("", file_) : error();
  }
  return error();
}

Value Evaluator::index(const Value& obj, const Value& key) {
  if (obj.is_unknown() || key.is_unknown()) return Value::unknown("", file_);
  if (obj.is_list()) {
    auto n = to_number(key);
    if (!n || *n < 0 || *n != std::floor(*n) || static_cast<size_t>(*n) >= obj.items.size())
      return error();
    return obj.items[static_cast<size_t>(*n)];
  }
  if (obj.is_map()) {
    auto k = scalar_to_text(key);
    if (!k) return error();
    if (const Value* v = obj.get(*k)) return *v;
    return error();
  }
  return error();
}

// A traversal rooted at a name: for-expression variables first, then what the module knows.
Value Evaluator::traverse(const Expr& e) {
  // Find the root and the first one or two attribute names.
  const Expr* root = &e;
  std::vector<const Expr*> chain;
  while (root->kind == ExprKind::GetAttr || root->kind == ExprKind::Index) {
    chain.push_back(root);
    root = &root->kids[0];
  }
  std::reverse(chain.begin(), chain.end());
  Value current;
  size_t used = 0;
  if (root->kind == ExprKind::Variable) {
    if (const Value* l = local(root->name)) {
      current = *l;
    } else if (!chain.empty() && chain[0]->kind == ExprKind::GetAttr) {
      std::optional<Value> v;
      if (root->name == "data" && chain.size() >= 2 && chain[1]->kind == ExprKind::GetAttr) {
        v = resolver_.resolve("data", chain[0]->name + "." + chain[1]->name);
        used = 2;
      } else {
        v = resolver_.resolve(root->name, chain[0]->name);
        used = 1;
      }
      if (!v) return Value::unknown("", file_);
      current = std::move(*v);
    } else {
      return Value::unknown("", file_);  // an unknown name (self, a bare resource type)
    }
  } else {
    current = ev(*root);
  }
  for (size_t i = used; i < chain.size(); ++i) {
    const Expr* step = chain[i];
    if (step->kind == ExprKind::GetAttr) {
      current = get_attr(current, step->name);
    } else {
      current = index(current, ev(step->kids[1]));
    }
    if (current.is_unknown()) return current;
  }
  return current;
}

Value Evaluator::splat(const Expr& e) {
  Value source = ev(e.kids[0]);
  if (source.is_unknown()) return source;
  Value out = Value::list();
  std::vector<const Value*> elements;
  if (source.is_null()) return out;
  if (source.is_list()) {
    for (const auto& i : source.items) elements.push_back(&i);
  } else {
    elements.push_back(&source);  // a single value splats as a one-element list
  }
  for (const Value* el : elements) {
    splat_items_.push_back(el);
    Value r = ev(e.kids[1]);
    splat_items_.pop_back();
    out.items.push_back(std::move(r));
  }
  return out;
}

Value Evaluator::binary(const Expr& e) {
  const std::string& op = e.name;
  if (op == "&&" || op == "||") {
    Value l = ev(e.kids[0]);
    auto lb = to_bool(l);
    // Kleene logic: false && x = false, true || x = true, whatever x is.
    if (lb && op == "&&" && !*lb) return make_bool(false);
    if (lb && op == "||" && *lb) return make_bool(true);
    Value r = ev(e.kids[1]);
    auto rb = to_bool(r);
    if (rb && op == "&&" && !*rb) return make_bool(false);
    if (rb && op == "||" && *rb) return make_bool(true);
    if (!lb || !rb) return (l.is_unknown() || r.is_unknown()) ? Value::unknown("", file_) : error();
    return make_bool(op == "&&" ? (*lb && *rb) : (*lb || *rb));
  }
  Value l = ev(e.kids[0]);
  Value r = ev(e.kids[1]);
  if (l.is_unknown() || r.is_unknown()) return Value::unknown("", file_);
  Value result;
  if (op == "==" || op == "!=") {
    bool eq = values_equal(l, r);
    result = make_bool(op == "==" ? eq : !eq);
  } else {
    auto a = to_number(l);
    auto b = to_number(r);
    if (!a || !b) return error();
    if (op == "+") {
      result = make_number(*a + *b);
    } else if (op == "-") {
      result = make_number(*a - *b);
    } else if (op == "*") {
      result = make_number(*a * *b);
    } else if (op == "/") {
      if (*b == 0) return error();
      result = make_number(*a / *b);
    } else if (op == "%") {
      if (*b == 0) return error();
      result = make_number(std::fmod(*a, *b));
    } else if (op == "<") {
      result = make_bool(*a < *b);
    } else if (op == ">") {
      result = make_bool(*a > *b);
    } else if (op == "<=") {
      result = make_bool(*a <= *b);
    } else if (op == ">=") {
      result = make_bool(*a >= *b);
    } else {
      return error();
    }
  }
  result.sensitive = l.sensitive || r.sensitive;
  return result;
}

Value Evaluator::for_expr(const Expr& e) {
  const bool is_object = e.kind == ExprKind::ForObject;
  Value coll = ev(e.kids[0]);
  if (coll.is_unknown()) return coll;
  std::vector<std::pair<Value, const Value*>> items;  // (key, value)
  if (coll.is_list()) {
    for (size_t i = 0; i < coll.items.size(); ++i)
      items.emplace_back(make_number(static_cast<double>(i)), &coll.items[i]);
  } else if (coll.is_map()) {
    std::vector<const MapEntry*> sorted;
    for (const auto& en : coll.entries) sorted.push_back(&en);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->key < b->key; });
    for (const auto* en : sorted) items.emplace_back(make_string(en->key), &en->value);
  } else {
    return error();
  }
  if (items.size() > limits_.max_collection) return Value::unknown("", file_);
  Value out = is_object ? Value::map() : Value::list();
  MapBuilder keys(out);
  const size_t value_kid = is_object ? 2 : 1;
  const size_t cond_kid = value_kid + 1;
  for (auto& [key, val] : items) {
    size_t pushed = 0;
    if (!e.key_name.empty()) {
      push(e.key_name, key);
      ++pushed;
    }
    push(e.name, *val);
    ++pushed;
    bool keep = true;
    if (e.has_condition) {
      Value c = ev(e.kids[cond_kid]);
      auto b = to_bool(c);
      if (!b) {
        pop(pushed);
        return c.is_unknown() ? Value::unknown("", file_) : error();
      }
      keep = *b;
    }
    if (keep) {
      Value v = ev(e.kids[value_kid]);
      if (is_object) {
        Value k = ev(e.kids[1]);
        auto ks = scalar_to_text(k);
        if (!ks) {
          pop(pushed);
          return k.is_unknown() ? Value::unknown("", file_) : error();
        }
        if (e.grouping) {
          if (Value* group = keys.get(*ks)) {
            group->items.push_back(std::move(v));
          } else {
            Value list = Value::list();
            list.items.push_back(std::move(v));
            keys.set(*ks, std::move(list));
          }
        } else {
          if (keys.get(*ks)) {
            pop(pushed);
            return error();  // duplicate key without "..."
          }
          keys.set(*ks, std::move(v));
        }
      } else {
        out.items.push_back(std::move(v));
      }
    }
    pop(pushed);
  }
  return out;
}

bool Evaluator::append_template(const Expr& part, std::string& out, bool& unknown,
                                bool& sensitive) {
  switch (part.kind) {
    case ExprKind::Literal:
      out += part.value.text;
      return true;
    case ExprKind::Interp: {
      Value v = ev(part.kids[0]);
      sensitive |= v.sensitive;
      if (v.is_unknown()) {
        unknown = true;
        return true;
      }
      auto s = scalar_to_text(v);
      if (!s) {
        error_ = true;
        unknown = true;
        return true;
      }
      out += *s;
      return true;
    }
    case ExprKind::TemplateIf: {
      Value c = ev(part.kids[0]);
      auto b = to_bool(c);
      if (!b) {
        unknown = true;
        return true;
      }
      const Expr* branch = *b ? &part.kids[1] : (part.kids.size() > 2 ? &part.kids[2] : nullptr);
      if (branch) {
        for (const auto& k : branch->kids) append_template(k, out, unknown, sensitive);
      }
      return true;
    }
    case ExprKind::TemplateFor: {
      Value coll = ev(part.kids[0]);
      if (coll.is_unknown() || (!coll.is_list() && !coll.is_map())) {
        unknown = true;
        return true;
      }
      auto body = [&](Value key, const Value& val) {
        size_t pushed = 0;
        if (!part.key_name.empty()) {
          push(part.key_name, std::move(key));
          ++pushed;
        }
        push(part.name, val);
        ++pushed;
        for (const auto& k : part.kids[1].kids) append_template(k, out, unknown, sensitive);
        pop(pushed);
      };
      if (coll.is_list()) {
        for (size_t i = 0; i < coll.items.size(); ++i)
          body(make_number(static_cast<double>(i)), coll.items[i]);
      } else {
        for (const auto& en : coll.entries) body(make_string(en.key), en.value);
      }
      return true;
    }
    default:
      unknown = true;
      return false;
  }
}

Value Evaluator::template_value(const Expr& e) {
  // "${x}" alone keeps x's type.
  if (e.kids.size() == 1 && e.kids[0].kind == ExprKind::Interp) return ev(e.kids[0].kids[0]);
  std::string out;
  bool unknown = false;
  bool sensitive = false;
  bool strip_next = false;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (const Expr& part : e.kids) {
    // "~" strip markers trim the whitespace of the neighbouring literals.
    if (part.strip_left) {
      while (!out.empty() && is_space(out.back())) out.pop_back();
    }
    if (strip_next && part.kind == ExprKind::Literal) {
      const std::string& t = part.value.text;
      size_t k = 0;
      while (k < t.size() && is_space(t[k])) ++k;
      out.append(t, k);
    } else {
      append_template(part, out, unknown, sensitive);
    }
    strip_next = part.strip_right;
  }
  if (unknown) {
    Value u = Value::unknown("", file_);
    u.sensitive = sensitive;
    return u;
  }
  Value v = make_string(std::move(out));
  v.sensitive = sensitive;
  return v;
}

Value Evaluator::ev(const Expr& e) {
  if (++steps_ > limits_.max_steps) {
    step_limit_hit_ = true;
    return Value::unknown("", file_);
  }
  switch (e.kind) {
    case ExprKind::Literal:
      return e.value;
    case ExprKind::Template:
      return template_value(e);
    case ExprKind::Interp:
      return ev(e.kids[0]);
    case ExprKind::Parens:
      return ev(e.kids[0]);
    case ExprKind::Variable: {
      if (const Value* l = local(e.name)) return *l;
      return Value::unknown("", file_);
    }
    case ExprKind::SplatItem:
      return splat_items_.empty() ? error() : *splat_items_.back();
    case ExprKind::GetAttr:
    case ExprKind::Index:
      if (!splat_items_.empty()) {
        // Inside a splat the traversal is rooted at the element.
        const Expr* root = &e;
        while (root->kind == ExprKind::GetAttr || root->kind == ExprKind::Index)
          root = &root->kids[0];
        if (root->kind == ExprKind::SplatItem) {
          Value base = ev(e.kids[0]);
          return e.kind == ExprKind::GetAttr ? get_attr(base, e.name) : index(base, ev(e.kids[1]));
        }
      }
      {
        // A reference Terraform computes (aws_secretsmanager_secret.api.arn) keeps its text, so
        // that rules can tell what it refers to wherever it ends up.
        Value v = traverse(e);
        if (v.is_unknown() && v.text.empty() && source_) v.text = hcl::expr_text(*source_, e);
        return v;
      }
    case ExprKind::Splat:
      return splat(e);
    case ExprKind::Tuple: {
      Value out = Value::list();
      for (const auto& k : e.kids) out.items.push_back(ev(k));
      return out;
    }
    case ExprKind::Object: {
      Value out = Value::map();
      MapBuilder keys(out);
      for (size_t i = 0; i + 1 < e.kids.size(); i += 2) {
        Value k = ev(e.kids[i]);
        auto ks = scalar_to_text(k);
        if (!ks) return k.is_unknown() ? Value::unknown("", file_) : error();
        keys.set(*ks, ev(e.kids[i + 1]), e.kids[i].span);
      }
      return out;
    }
    case ExprKind::Conditional: {
      Value c = ev(e.kids[0]);
      auto b = to_bool(c);
      if (!b) return c.is_unknown() ? Value::unknown("", file_) : error();
      return ev(e.kids[*b ? 1 : 2]);
    }
    case ExprKind::Binary:
      return binary(e);
    case ExprKind::Unary: {
      Value v = ev(e.kids[0]);
      if (v.is_unknown()) return v;
      if (e.name == "!") {
        auto b = to_bool(v);
        return b ? make_bool(!*b) : error();
      }
      auto n = to_number(v);
      return n ? make_number(-*n) : error();
    }
    case ExprKind::ForTuple:
    case ExprKind::ForObject:
      return for_expr(e);
    case ExprKind::Call: {
      if (e.name == "try" || e.name == "can") {
        // Special forms: their arguments are evaluated one by one, errors caught.
        for (const auto& k : e.kids) {
          const bool outer_error = error_;
          error_ = false;
          Value v = ev(k);
          const bool failed = error_;
          error_ = outer_error;
          if (e.name == "can") {
            if (v.is_unknown() && !failed) return v;
            return make_bool(!failed);
          }
          if (!failed) return v;
        }
        return error();
      }
      std::vector<Value> args;
      args.reserve(e.kids.size());
      for (const auto& k : e.kids) args.push_back(ev(k));
      if (e.expand_last && !args.empty()) {
        Value last = std::move(args.back());
        args.pop_back();
        if (last.is_unknown()) return last;
        if (!last.is_list()) return error();
        for (auto& i : last.items) args.push_back(std::move(i));
      }
      auto r = call(e.name, args, e);
      if (!r) {
        // A known function that fails on known arguments is an error; anything else unknown.
        const bool known_args = std::none_of(args.begin(), args.end(),
                                             [](const Value& a) { return a.contains_unknown(); });
        return known_args && is_function(e.name) ? error() : Value::unknown("", file_);
      }
      if (any_sensitive(args)) r->sensitive = true;
      return std::move(*r);
    }
    default:
      return error();
  }
}

}  // namespace infralint::tf
