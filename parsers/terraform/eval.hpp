// Terraform expression evaluation: values, operators, for-expressions, splats, templates and
// the function library, with unknown as a first-class value (DECISIONS.md 10).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/value.hpp"
#include "parsers/terraform/hcl.hpp"

namespace infralint::tf {

// Value helpers shared by the evaluator and the functions.
Value make_bool(bool b);
Value make_number(double d);
Value make_string(std::string s);
std::optional<double> to_number(const Value& v);
std::optional<bool> to_bool(const Value& v);
bool values_equal(const Value& a, const Value& b);
bool any_sensitive(const std::vector<Value>& vs);
// Marks the value (recursively) as coming from `file`/`span`, where it has no place of its own.
void anchor(Value& v, uint32_t file, Span span);
// A decoded JSON document as a value (jsondecode).
Value from_json(const nlohmann::json& j);

// What the evaluator asks its module about.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // `var.x`, `local.x`, `module.x`, `data.T.N` (ns "data", name "T.N"), `T.N` (ns T),
  // `path.*`, `terraform.*`. nullopt: not a name this resolver knows.
  virtual std::optional<Value> resolve(const std::string& ns, const std::string& name) = 0;
  // Reads a file under the scan root for file()/templatefile()/fileexists(); nullopt when it
  // does not exist or lies outside the root.
  virtual std::optional<std::string> read_file(const std::string& path) = 0;
};

struct EvalLimits {
  size_t max_steps = 2'000'000;     // per top-level expression
  size_t max_collection = 100'000;  // elements one function or for-expression may build
};

// True for the functions infralint evaluates (others evaluate to unknown).
bool is_function(const std::string& name);

class Evaluator {
 public:
  // `source` (optional) gives unknown results the text of the expression they came from.
  Evaluator(Resolver& resolver, uint32_t file, const SourceFile* source = nullptr,
            const EvalLimits& limits = {})
      : resolver_(resolver), file_(file), source_(source), limits_(limits) {}

  // Evaluates a top-level expression. Errors (a missing key, a type mismatch) give unknown.
  Value eval(const hcl::Expr& e);
  // Local names (for-expression variables, count, each, dynamic iterators).
  void push(std::string name, Value v) { locals_.emplace_back(std::move(name), std::move(v)); }
  void pop(size_t n = 1) { locals_.resize(locals_.size() - n); }
  bool step_limit_hit() const { return step_limit_hit_; }

  // Calls a function by name; nullopt when the function is not known (unknown result).
  std::optional<Value> call(const std::string& name, std::vector<Value>& args,
                            const hcl::Expr& call_expr);

 private:
  Value ev(const hcl::Expr& e);
  Value error() {
    error_ = true;
    return Value::unknown("", file_);
  }
  Value template_value(const hcl::Expr& e);
  bool append_template(const hcl::Expr& part, std::string& out, bool& unknown, bool& sensitive);
  Value traverse(const hcl::Expr& e);
  Value get_attr(const Value& obj, const std::string& name);
  Value index(const Value& obj, const Value& key);
  Value binary(const hcl::Expr& e);
  Value for_expr(const hcl::Expr& e);
  Value splat(const hcl::Expr& e);
  const Value* local(const std::string& name) const;

  Resolver& resolver_;
  uint32_t file_;
  const SourceFile* source_;
  EvalLimits limits_;
  std::vector<std::pair<std::string, Value>> locals_;
  std::vector<const Value*> splat_items_;
  size_t steps_ = 0;
  bool error_ = false;
  bool step_limit_hit_ = false;
};

}  // namespace infralint::tf
