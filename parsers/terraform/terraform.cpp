#include "parsers/terraform/terraform.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/paths.hpp"
#include "parsers/common/image.hpp"
#include "parsers/common/secrets.hpp"
#include "parsers/terraform/eval.hpp"

namespace fs = std::filesystem;

namespace infralint::terraform {

namespace {

using hcl::Block;
using hcl::Body;
using hcl::Expr;
using hcl::ExprKind;

bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool is_tfvars(std::string_view name) {
  return ends_with(name, ".tfvars") || ends_with(name, ".tfvars.json");
}
bool is_json(std::string_view name) {
  return ends_with(name, ".json");
}
// "main_override.tf" -> true; the stem decides .tofu precedence ("main.tofu" hides "main.tf").
bool is_override(const std::string& name) {
  std::string stem = name.substr(0, name.find('.'));
  return stem == "override" || ends_with(stem, "_override");
}
std::string stem_of(const std::string& name) {
  for (std::string_view ext : {".tofu.json", ".tf.json", ".tofu", ".tf"}) {
    if (ends_with(name, ext)) return name.substr(0, name.size() - ext.size());
  }
  return name;
}

// Nested block types that providers define as lists even when written once.
bool list_block(std::string_view type) {
  static const std::set<std::string_view> kLists = {"ingress",
                                                    "egress",
                                                    "rule",
                                                    "transition",
                                                    "noncurrent_version_transition",
                                                    "notification",
                                                    "taint",
                                                    "statement",
                                                    "setting",
                                                    "tag",
                                                    "ebs_block_device",
                                                    "ephemeral_block_device",
                                                    "network_interface",
                                                    "origin",
                                                    "ordered_cache_behavior",
                                                    "custom_error_response",
                                                    "cors_rule",
                                                    "lifecycle_rule",
                                                    "filter",
                                                    "condition",
                                                    "principals",
                                                    "not_principals",
                                                    "dimension",
                                                    "volume",
                                                    "container_definitions",
                                                    "load_balancer",
                                                    "capacity_provider_strategy",
                                                    "subnet_mapping",
                                                    "listener",
                                                    "route",
                                                    "scope_down_statement",
                                                    "and_statement",
                                                    "or_statement",
                                                    "excluded_rule",
                                                    "rule_action_override",
                                                    "node_pool",
                                                    "access_config",
                                                    "env",
                                                    "port",
                                                    "volume_mount",
                                                    "container",
                                                    "init_container",
                                                    "toleration",
                                                    "host_aliases",
                                                    "image_pull_secrets",
                                                    "match_expressions",
                                                    "ports"};
  return kLists.count(type) > 0;
}

bool is_meta_attribute(std::string_view name) {
  return name == "count" || name == "for_each" || name == "depends_on" || name == "provider" ||
         name == "providers" || name == "source" || name == "version";
}

// Marks every value that did not come from inside `span` of `file` as coming from there.
void reanchor(Value& v, uint32_t file, Span span) {
  const bool inside =
      v.file == file && v.span.begin >= span.begin && v.span.end <= span.end && v.span.end > 0;
  if (!inside) {
    tf::anchor(v, file, span);
    return;
  }
  for (auto& i : v.items) reanchor(i, file, span);
  for (auto& e : v.entries) reanchor(e.value, file, span);
}

std::string instance_key(const Value& key) {
  if (key.kind == ValueKind::Number) return "[" + format_number(key.number) + "]";
  if (key.kind == ValueKind::String) return "[" + nlohmann::json(key.text).dump() + "]";
  if (key.is_unknown()) return "[*]";
  return "";
}

struct Decl {
  const Block* block = nullptr;
  uint32_t file = kNoFile;
  const SourceFile* src = nullptr;
};

struct ModuleDir {
  std::string dir;          // relative to the scan root; for a module outside it, its absolute path
  bool external = false;    // outside the scan root or under .terraform: findings point at the call
  std::deque<Block> owned;  // blocks merged from override files
  std::map<std::string, Decl> variables, outputs, modules, resources, data, providers;
  std::map<std::string, std::pair<const hcl::Attribute*, uint32_t>> locals;
  std::map<std::string, const SourceFile*> local_sources;
  std::vector<const ParsedFile*> auto_tfvars;  // terraform.tfvars first, then *.auto.tfvars
};

class Builder;

struct ResourceEval {
  int state = 0;  // 0 new, 1 evaluating, 2 done
  Value ref;      // what `TYPE.NAME` evaluates to
  struct Inst {
    Value key;  // null, number or string
    std::string address;
    Value attributes;
  };
  std::vector<Inst> instances;
};

class Instance : public tf::Resolver {
 public:
  Instance(Builder& b, const ModuleDir& mod, std::string prefix, std::string root_prefix,
           size_t depth, std::vector<std::string> chain, uint32_t anchor_file, Span anchor_span)
      : b_(b),
        mod_(mod),
        prefix_(std::move(prefix)),
        root_prefix_(std::move(root_prefix)),
        depth_(depth),
        chain_(std::move(chain)),
        anchor_file_(anchor_file),
        anchor_span_(anchor_span) {}

  std::optional<Value> resolve(const std::string& ns, const std::string& name) override;
  std::optional<std::string> read_file(const std::string& path) override;

  void set_var(const std::string& name, Value v) { vars_[name] = std::move(v); }
  void evaluate_all();
  void emit(Graph& g);
  Value outputs_object();

  const ModuleDir& mod() const { return mod_; }

 private:
  friend class Builder;
  Value local_value(const std::string& name);
  const ResourceEval& resource(const std::string& key, bool data);
  Value call_value(const std::string& name);
  Value output_value(const std::string& name);
  Value eval_body(const Body& body, tf::Evaluator& ev, uint32_t file, bool top_level);
  // count/for_each: the instance keys (with each.value), capped with a diagnostic.
  enum class Repeat { Single, Counted, Keyed };
  struct Expansion {
    Repeat mode = Repeat::Single;
    std::vector<std::pair<Value, Value>> keys;  // (instance key, each.value)
  };
  Expansion expand(const Body& body, tf::Evaluator& ev, uint32_t file);
  // Binds count.index or each.key/each.value for one instance; returns how many names to pop.
  static size_t bind(tf::Evaluator& ev, Repeat mode, const Value& key, const Value& each_value);
  uint32_t file_for(uint32_t decl_file) const { return mod_.external ? anchor_file_ : decl_file; }
  void place(Value& v, uint32_t decl_file, Span span) const {
    if (mod_.external) {
      tf::anchor(v, anchor_file_, anchor_span_);
    } else {
      reanchor(v, decl_file, span);
    }
  }
  Span span_for(Span decl_span) const { return mod_.external ? anchor_span_ : decl_span; }
  std::string path_module() const;

  Builder& b_;
  const ModuleDir& mod_;
  std::string prefix_;       // "module.a." or "module.a[\"k\"]."
  std::string root_prefix_;  // "examples/simple:" or ""
  size_t depth_;
  std::vector<std::string> chain_;
  uint32_t anchor_file_;
  Span anchor_span_;

  std::map<std::string, Value> vars_;
  std::map<std::string, std::pair<int, Value>> locals_;
  std::vector<std::string> local_stack_;
  std::map<std::string, ResourceEval> resources_;
  struct CallEval {
    int state = 0;
    Value ref;
    std::vector<std::pair<Value, std::unique_ptr<Instance>>> children;
  };
  std::map<std::string, CallEval> calls_;
  std::map<std::string, std::pair<int, Value>> outputs_;
};

class Builder {
 public:
  Builder(Graph& g, const std::vector<std::shared_ptr<const ParsedFile>>& files, const Options& opt,
          Cache* cache)
      : g_(g), opt_(opt), cache_(cache) {
    for (const auto& f : files) by_file_[f->file] = f.get();
  }
  void run();
  // Adds one root module's resources (copied when `keep`), edges and diagnostics to the graph.
  void append(Cache::Root& root, bool keep);

  Graph& g_;
  const Options& opt_;
  Cache* cache_;
  std::map<uint32_t, const ParsedFile*> by_file_;
  std::map<std::string, std::string> stamps_;  // folder -> its files and their generations
  // Of the root being evaluated: the folders it read, and whether it read the disk.
  std::map<std::string, std::string> touched_;
  bool read_disk_ = false;
  std::map<std::string, std::unique_ptr<ModuleDir>> dirs_;  // by directory
  std::deque<ParsedFile> external_files_;
  std::deque<SourceFile> external_sources_;
  size_t total_instances_ = 0;
  bool total_cap_reported_ = false;
  std::string root_module_dir_;  // of the root being evaluated, for .terraform/modules

  void diag(Severity s, uint32_t file, uint32_t offset, std::string msg) {
    if (file >= g_.files.size()) return;
    g_.diagnostics.push_back(
        Diagnostic{s, g_.files[file].path, g_.position(file, offset), std::move(msg)});
  }
  const ModuleDir* module_dir(const std::string& dir) {
    auto stamp = stamps_.find(dir);
    touched_[dir] = stamp == stamps_.end() ? std::string() : stamp->second;
    auto it = dirs_.find(dir);
    return it == dirs_.end() ? nullptr : it->second.get();
  }
  const ModuleDir* external_dir(const std::string& abs_dir);
  void index_dir(ModuleDir& m, std::vector<const ParsedFile*> files);
};

// ---------------------------------------------------------------------------------------

std::string Instance::path_module() const {
  return mod_.external || mod_.dir.empty() ? "." : mod_.dir;
}

std::optional<std::string> Instance::read_file(const std::string& path) {
  b_.read_disk_ = true;
  // Confined to the scan root: a path that leaves it reads nothing.
  std::string rel = join_path("", path);
  if (rel.empty() || path.empty() || path[0] == '/') return std::nullopt;
  std::error_code ec;
  const fs::path root = fs::canonical(b_.g_.root, ec);
  const fs::path p = fs::weakly_canonical(root / rel, ec);
  if (ec) return std::nullopt;
  const std::string ps = p.generic_string();
  const std::string rs = root.generic_string();
  if (ps.rfind(rs + "/", 0) != 0 || !fs::is_regular_file(p, ec)) return std::nullopt;
  if (fs::file_size(p, ec) > b_.opt_.max_file_size) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<Value> Instance::resolve(const std::string& ns, const std::string& name) {
  if (ns == "var") {
    auto it = vars_.find(name);
    if (it == vars_.end()) return Value::unknown("var." + name);
    return it->second;
  }
  if (ns == "local") return local_value(name);
  if (ns == "module") return call_value(name);
  if (ns == "data") return resource(name, true).ref;
  if (ns == "path") {
    if (name == "module") return tf::make_string(path_module());
    if (name == "root" || name == "cwd") return tf::make_string(".");
    return std::nullopt;
  }
  if (ns == "terraform") {
    if (name == "workspace") return tf::make_string("default");
    return std::nullopt;
  }
  if (ns == "count" || ns == "each" || ns == "self") return Value::unknown(ns + "." + name);
  if (mod_.resources.count(ns + "." + name)) return resource(ns + "." + name, false).ref;
  return std::nullopt;
}

Value Instance::local_value(const std::string& name) {
  auto decl = mod_.locals.find(name);
  if (decl == mod_.locals.end()) return Value::unknown("local." + name);
  auto& st = locals_[name];
  if (st.first == 2) return st.second;
  if (st.first == 1) {
    // A cycle: name its members, once.
    auto start = std::find(local_stack_.begin(), local_stack_.end(), name);
    std::string members;
    for (auto it = start; it != local_stack_.end(); ++it) members += "local." + *it + " -> ";
    members += "local." + name;
    const auto& [attr, file] = decl->second;
    b_.diag(Severity::Error, file, attr->span.begin, "cycle among locals: " + members);
    return Value::unknown("local." + name);
  }
  st.first = 1;
  local_stack_.push_back(name);
  const auto& [attr, file] = decl->second;
  tf::Evaluator ev(*this, file,
                   mod_.local_sources.count(name) ? mod_.local_sources.at(name) : nullptr);
  Value v = ev.eval(attr->expr);
  place(v, file, attr->expr.span);
  local_stack_.pop_back();
  auto& done = locals_[name];
  done.first = 2;
  done.second = std::move(v);
  return done.second;
}

Value Instance::eval_body(const Body& body, tf::Evaluator& ev, uint32_t file, bool top_level) {
  Value out = Value::map(file_for(file), span_for(Span{}));
  for (const auto& a : body.attributes) {
    if (top_level && is_meta_attribute(a.name)) continue;
    Value v = ev.eval(a.expr);
    place(v, file, a.expr.span);
    out.set(a.name, std::move(v), span_for(a.name_span));
  }
  std::vector<std::string> order;
  std::map<std::string, std::vector<Value>> blocks;
  std::set<std::string> dynamic_types;
  for (const auto& blk : body.blocks) {
    if (top_level &&
        (blk.type == "lifecycle" || blk.type == "provisioner" || blk.type == "connection"))
      continue;
    if (blk.type == "dynamic" && !blk.labels.empty()) {
      const std::string& type = blk.labels[0];
      if (!blocks.count(type)) order.push_back(type);
      dynamic_types.insert(type);
      auto& list = blocks[type];
      const hcl::Attribute* for_each = blk.body.attribute("for_each");
      const hcl::Attribute* iterator = blk.body.attribute("iterator");
      const Block* content = nullptr;
      for (const auto& c : blk.body.blocks) {
        if (c.type == "content") content = &c;
      }
      if (!for_each || !content) continue;
      const std::string iter =
          iterator && iterator->expr.kind == ExprKind::Variable ? iterator->expr.name : type;
      Value coll = ev.eval(for_each->expr);
      if (coll.is_unknown()) {
        Value u = Value::unknown(coll.text, file_for(file), span_for(blk.span));
        list.push_back(std::move(u));
        continue;
      }
      auto run = [&](Value key, const Value& val) {
        Value it = Value::map();
        it.set("key", std::move(key));
        it.set("value", val);
        ev.push(iter, std::move(it));
        Value b = eval_body(content->body, ev, file, false);
        b.file = file_for(file);
        b.span = span_for(blk.span);
        ev.pop();
        list.push_back(std::move(b));
      };
      if (coll.is_list()) {
        for (size_t i = 0; i < coll.items.size(); ++i)
          run(tf::make_number(static_cast<double>(i)), coll.items[i]);
      } else if (coll.is_map()) {
        for (const auto& e : coll.entries) run(tf::make_string(e.key), e.value);
      }
      continue;
    }
    if (!blocks.count(blk.type)) order.push_back(blk.type);
    Value b = eval_body(blk.body, ev, file, false);
    b.file = file_for(file);
    b.span = span_for(blk.span);
    blocks[blk.type].push_back(std::move(b));
  }
  for (const auto& type : order) {
    auto& list = blocks[type];
    if (list.size() == 1 && !list_block(type) && !dynamic_types.count(type)) {
      Value single = std::move(list[0]);
      const Span s = single.span;
      out.set(type, std::move(single), s);
    } else {
      Value l = Value::list(file_for(file), list.empty() ? Span{} : list[0].span);
      l.items = std::move(list);
      out.set(type, std::move(l), l.span);
    }
  }
  return out;
}

Instance::Expansion Instance::expand(const Body& body, tf::Evaluator& ev, uint32_t file) {
  const hcl::Attribute* count = body.attribute("count");
  const hcl::Attribute* for_each = body.attribute("for_each");
  Expansion x;
  auto& keys = x.keys;
  if (count) {
    x.mode = Repeat::Counted;
    Value c = ev.eval(count->expr);
    auto n = tf::to_number(c);
    if (!n) {
      keys.emplace_back(Value::unknown("count.index"), Value{});
    } else {
      double limit = std::max(0.0, std::floor(*n));
      if (limit > static_cast<double>(b_.opt_.max_instances_per_resource)) {
        b_.diag(Severity::Warning, file, count->span.begin,
                "count of " + format_number(*n) + " exceeds the cap of " +
                    std::to_string(b_.opt_.max_instances_per_resource) +
                    " instances: only the first are evaluated");
        limit = static_cast<double>(b_.opt_.max_instances_per_resource);
      }
      for (double i = 0; i < limit; ++i) keys.emplace_back(tf::make_number(i), Value{});
    }
  } else if (for_each) {
    x.mode = Repeat::Keyed;
    Value fe = ev.eval(for_each->expr);
    if (fe.is_map()) {
      std::vector<const MapEntry*> sorted;
      for (const auto& e : fe.entries) sorted.push_back(&e);
      std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b2) { return a->key < b2->key; });
      for (const auto* e : sorted) keys.emplace_back(tf::make_string(e->key), e->value);
    } else if (fe.is_list()) {
      bool ok = true;
      std::set<std::string> seen;
      for (const auto& v : fe.items) {
        auto s = scalar_to_text(v);
        if (!s) {
          ok = false;
          break;
        }
        if (seen.insert(*s).second) keys.emplace_back(tf::make_string(*s), tf::make_string(*s));
      }
      std::sort(keys.begin(), keys.end(),
                [](const auto& a, const auto& b2) { return a.first.text < b2.first.text; });
      if (!ok) {
        keys.clear();
        keys.emplace_back(Value::unknown("each.key"), Value::unknown("each.value"));
      }
    } else {
      keys.emplace_back(Value::unknown("each.key"), Value::unknown("each.value"));
    }
    if (keys.size() > b_.opt_.max_instances_per_resource) {
      b_.diag(Severity::Warning, file, for_each->span.begin,
              "for_each of " + std::to_string(keys.size()) + " elements exceeds the cap of " +
                  std::to_string(b_.opt_.max_instances_per_resource) +
                  " instances: only the first are evaluated");
      keys.resize(b_.opt_.max_instances_per_resource);
    }
  } else {
    keys.emplace_back(Value{}, Value{});
  }
  return x;
}

size_t Instance::bind(tf::Evaluator& ev, Repeat mode, const Value& key, const Value& each_value) {
  if (mode == Repeat::Counted) {
    Value c = Value::map();
    c.set("index", key);
    ev.push("count", std::move(c));
    return 1;
  }
  if (mode == Repeat::Keyed) {
    Value e = Value::map();
    e.set("key", key);
    e.set("value", each_value);
    ev.push("each", std::move(e));
    return 1;
  }
  return 0;
}

const ResourceEval& Instance::resource(const std::string& rkey, bool data) {
  const std::string full = data ? "data." + rkey : rkey;
  ResourceEval& r = resources_[full];
  if (r.state != 0) {
    if (r.state == 1) r.ref = Value::unknown(full);  // a reference cycle: Terraform would refuse it
    return r;
  }
  r.state = 1;
  const auto& decls = data ? mod_.data : mod_.resources;
  auto it = decls.find(rkey);
  if (it == decls.end()) {
    r.ref = Value::unknown(full);
    r.state = 2;
    return r;
  }
  const Block& blk = *it->second.block;
  const uint32_t file = it->second.file;
  tf::Evaluator ev(*this, file, it->second.src);
  auto [mode, keys] = expand(blk.body, ev, file);
  if (b_.total_instances_ + keys.size() > b_.opt_.max_total_instances) {
    if (!b_.total_cap_reported_) {
      b_.diag(Severity::Warning, file, blk.span.begin,
              "more than " + std::to_string(b_.opt_.max_total_instances) +
                  " instances in the scan: the rest are not evaluated");
      b_.total_cap_reported_ = true;
    }
    keys.clear();
  }
  b_.total_instances_ += keys.size();

  Value ref = mode == Repeat::Single    ? Value{}
              : mode == Repeat::Counted ? Value::list()
                                        : Value::map();
  for (auto& [key, each_value] : keys) {
    const size_t pushed = bind(ev, mode, key, each_value);
    Value attrs = eval_body(blk.body, ev, file, true);
    attrs.span = span_for(blk.span);
    attrs.open = true;
    ev.pop(pushed);
    ResourceEval::Inst inst;
    inst.key = key;
    inst.address = root_prefix_ + prefix_ + full + instance_key(key);
    if (mode == Repeat::Single) {
      ref = attrs;
    } else if (key.is_unknown()) {
      ref = Value::unknown(full);
    } else if (mode == Repeat::Counted) {
      ref.items.push_back(attrs);
    } else {
      ref.set(key.text, attrs);
    }
    inst.attributes = std::move(attrs);
    r.instances.push_back(std::move(inst));
  }
  r.ref = std::move(ref);
  r.state = 2;
  return r;
}

Value Instance::output_value(const std::string& name) {
  auto& st = outputs_[name];
  if (st.first == 2) return st.second;
  if (st.first == 1) return Value::unknown("output." + name);
  st.first = 1;
  auto it = mod_.outputs.find(name);
  Value v = Value::unknown("output." + name);
  if (it != mod_.outputs.end()) {
    if (const hcl::Attribute* a = it->second.block->body.attribute("value")) {
      tf::Evaluator ev(*this, it->second.file, it->second.src);
      v = ev.eval(a->expr);
      place(v, it->second.file, a->expr.span);
      if (const hcl::Attribute* s = it->second.block->body.attribute("sensitive")) {
        Value sv = ev.eval(s->expr);
        if (sv.kind == ValueKind::Bool && sv.boolean) v.mark_sensitive();
      }
    }
  }
  auto& done = outputs_[name];
  done.first = 2;
  done.second = v;
  return v;
}

Value Instance::outputs_object() {
  Value out = Value::map();
  for (const auto& [name, decl] : mod_.outputs) out.set(name, output_value(name));
  return out;
}

Value Instance::call_value(const std::string& name) {
  CallEval& call = calls_[name];
  if (call.state == 2) return call.ref;
  if (call.state == 1) return Value::unknown("module." + name);
  call.state = 1;
  auto it = mod_.modules.find(name);
  auto finish = [&](Value v) {
    CallEval& done = calls_[name];
    done.ref = std::move(v);
    done.state = 2;
    return done.ref;
  };
  if (it == mod_.modules.end()) return finish(Value::unknown("module." + name));
  const Block& blk = *it->second.block;
  const uint32_t file = it->second.file;
  const uint32_t call_file = file_for(file);
  const Span call_span = span_for(blk.span);
  tf::Evaluator ev(*this, file, it->second.src);
  const hcl::Attribute* src_attr = blk.body.attribute("source");
  const std::string source = src_attr && src_attr->expr.kind == ExprKind::Literal
                                 ? src_attr->expr.value.text
                                 : std::string();
  // Where the module's code is: a local path, or what `terraform init` fetched.
  const ModuleDir* child_dir = nullptr;
  if (source.rfind("./", 0) == 0 || source.rfind("../", 0) == 0) {
    if (!mod_.external) {
      const std::string joined = join_path(mod_.dir, source);
      if (!joined.empty()) child_dir = b_.module_dir(joined == "." ? "" : joined);
    }
    if (!child_dir) {
      const std::string base =
          mod_.external ? mod_.dir : (fs::path(b_.g_.root) / mod_.dir).string();
      child_dir = b_.external_dir((fs::path(base) / source).lexically_normal().string());
      if (!child_dir && !mod_.external) {
        b_.diag(Severity::Warning, file, blk.span.begin,
                "module \"" + name + "\": no Terraform files at " + source +
                    ": its outputs are unknown");
      }
    }
  } else if (!source.empty()) {
    // .terraform/modules/modules.json of the root module: keys are "a" or "a.b" for nested calls.
    std::string key;
    for (const auto& part : chain_) {
      if (part.rfind("call:", 0) == 0) key += (key.empty() ? "" : ".") + part.substr(5);
    }
    key += (key.empty() ? "" : ".") + name;
    const fs::path root_dir = fs::path(b_.g_.root) / b_.root_module_dir_;
    std::ifstream in(root_dir / ".terraform" / "modules" / "modules.json");
    if (in) {
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_object() && j.contains("Modules") && j["Modules"].is_array()) {
        for (const auto& m : j["Modules"]) {
          if (m.value("Key", "") == key && m.contains("Dir") && m["Dir"].is_string()) {
            child_dir = b_.external_dir(
                (root_dir / m["Dir"].get<std::string>()).lexically_normal().string());
          }
        }
      }
    }
    if (!child_dir) {
      b_.diag(Severity::Info, file, blk.span.begin,
              "module \"" + name + "\" (" + source +
                  ") is not fetched: its outputs are unknown (run `terraform init` to let "
                  "infralint read .terraform/modules)");
    }
  }
  if (!child_dir) return finish(Value::unknown("module." + name));
  const std::string chain_key = child_dir->dir;
  if (std::find(chain_.begin(), chain_.end(), chain_key) != chain_.end()) {
    b_.diag(Severity::Error, file, blk.span.begin,
            "module \"" + name + "\" calls itself (recursion through " + source + ")");
    return finish(Value::unknown("module." + name));
  }
  if (depth_ + 1 > b_.opt_.max_module_depth) {
    b_.diag(Severity::Warning, file, blk.span.begin,
            "module nesting deeper than " + std::to_string(b_.opt_.max_module_depth) + ": \"" +
                name + "\" not evaluated");
    return finish(Value::unknown("module." + name));
  }

  // Instances of the call: count, for_each, or one.
  auto [mode, keys] = expand(blk.body, ev, file);

  Value ref = mode == Repeat::Single    ? Value{}
              : mode == Repeat::Counted ? Value::list()
                                        : Value::map();
  std::vector<std::pair<Value, std::unique_ptr<Instance>>> children;
  for (auto& [key, each_value] : keys) {
    const size_t pushed = bind(ev, mode, key, each_value);
    auto chain = chain_;
    chain.push_back(chain_key);
    chain.push_back("call:" + name);
    const bool external = child_dir->external || mod_.external;
    auto child = std::make_unique<Instance>(
        b_, *child_dir, prefix_ + "module." + name + instance_key(key) + ".", root_prefix_,
        depth_ + 1, std::move(chain), external ? call_file : kNoFile,
        external ? call_span : Span{});
    // Inputs, evaluated here; the child's defaults fill the rest.
    for (const auto& [vname, vdecl] : child_dir->variables) {
      const hcl::Attribute* input = blk.body.attribute(vname);
      Value v;
      if (input) {
        v = ev.eval(input->expr);
        place(v, file, input->expr.span);
      } else if (const hcl::Attribute* def = vdecl.block->body.attribute("default")) {
        tf::Evaluator dev(*child, vdecl.file, vdecl.src);
        v = dev.eval(def->expr);
        child->place(v, vdecl.file, def->expr.span);
      } else {
        v = Value::unknown("var." + vname);
      }
      if (const hcl::Attribute* s = vdecl.block->body.attribute("sensitive")) {
        if (s->expr.kind == ExprKind::Literal && s->expr.value.boolean) v.mark_sensitive();
      }
      child->set_var(vname, std::move(v));
    }
    ev.pop(pushed);
    child->evaluate_all();
    Value outputs = child->outputs_object();
    if (mode == Repeat::Single) {
      ref = std::move(outputs);
    } else if (key.is_unknown()) {
      ref = Value::unknown("module." + name);
    } else if (mode == Repeat::Counted) {
      ref.items.push_back(std::move(outputs));
    } else {
      ref.set(key.text, std::move(outputs));
    }
    children.emplace_back(key, std::move(child));
  }
  CallEval& done = calls_[name];
  done.children = std::move(children);
  return finish(std::move(ref));
}

void Instance::evaluate_all() {
  for (const auto& [name, d] : mod_.locals) local_value(name);
  for (const auto& [key, d] : mod_.resources) resource(key, false);
  for (const auto& [key, d] : mod_.data) resource(key, true);
  for (const auto& [name, d] : mod_.modules) call_value(name);
  for (const auto& [name, d] : mod_.outputs) output_value(name);
}

// Names an expression refers to: "var.x", "local.y", "module.z", "data.T.N", "T.N" (with an
// instance key when a literal index follows).
void collect_refs(const Expr& e, std::set<std::string>& out) {
  if (e.kind == ExprKind::GetAttr || e.kind == ExprKind::Index) {
    std::vector<const Expr*> chain;
    const Expr* root = &e;
    while (root->kind == ExprKind::GetAttr || root->kind == ExprKind::Index) {
      chain.push_back(root);
      root = &root->kids[0];
    }
    std::reverse(chain.begin(), chain.end());
    if (root->kind == ExprKind::Variable && !chain.empty() && chain[0]->kind == ExprKind::GetAttr) {
      const std::string& ns = root->name;
      if (ns == "data" && chain.size() >= 2 && chain[1]->kind == ExprKind::GetAttr) {
        out.insert("data." + chain[0]->name + "." + chain[1]->name);
      } else if (ns != "count" && ns != "each" && ns != "path" && ns != "terraform" &&
                 ns != "self") {
        out.insert(ns + "." + chain[0]->name);
      }
    }
    for (const Expr* c : chain) {
      if (c->kind == ExprKind::Index) collect_refs(c->kids[1], out);
    }
    if (root->kind != ExprKind::Variable) collect_refs(*root, out);
    return;
  }
  for (const auto& k : e.kids) collect_refs(k, out);
}

void collect_body_refs(const Body& b, std::set<std::string>& out,
                       std::vector<std::string>* depends_on) {
  for (const auto& a : b.attributes) {
    if (a.name == "depends_on" && depends_on) {
      std::set<std::string> d;
      collect_refs(a.expr, d);
      // A bare "aws_s3_bucket.x" in depends_on is a traversal too.
      for (const auto& k : a.expr.kids) {
        if (k.kind == ExprKind::GetAttr && k.kids[0].kind == ExprKind::Variable)
          d.insert(k.kids[0].name + "." + k.name);
      }
      depends_on->insert(depends_on->end(), d.begin(), d.end());
      continue;
    }
    collect_refs(a.expr, out);
  }
  for (const auto& blk : b.blocks) collect_body_refs(blk.body, out, nullptr);
}

// The container facets of Terraform resources that run containers: the kubernetes provider's
// workloads (container blocks of the pod spec) and ECS task definitions (container_definitions
// JSON), so that image rules judge them as they judge compose and Kubernetes YAML.
void container_facets(Resource& r) {
  const std::string& t = r.type;
  if (t == "aws_ecs_task_definition") {
    const Value* defs = r.attributes.get("container_definitions");
    if (!defs || !defs->is_string()) return;
    auto j = nlohmann::json::parse(defs->text, nullptr, false);
    if (!j.is_array()) return;
    Value list = tf::from_json(j);
    tf::anchor(list, defs->file, defs->span);
    for (size_t i = 0; i < list.items.size(); ++i) {
      const Value& c = list.items[i];
      if (!c.is_map()) continue;
      const Value* name = c.get("name");
      r.facets.push_back(container_facet(name && name->is_string() ? name->text : std::to_string(i),
                                         "container_definitions." + std::to_string(i),
                                         c.get("image"), c.get("healthCheck"), nullptr,
                                         c.get("user"), c.get("privileged")));
    }
    return;
  }
  if (t.rfind("kubernetes_", 0) != 0) return;
  const Value* spec = r.attributes.get("spec");
  if (spec && spec->is_list() && !spec->items.empty()) spec = &spec->items[0];
  if (!spec || !spec->is_map()) return;
  std::string base = "spec";
  const Value* pod = spec;
  // Workloads: spec.template.spec; cron jobs: spec.job_template.spec.template.spec.
  for (const char* key : {"job_template", "spec", "template", "spec"}) {
    const Value* next = pod->get(key);
    if (next && next->is_list() && !next->items.empty()) next = &next->items[0];
    if (!next || !next->is_map()) continue;
    pod = next;
    base += std::string(".") + key;
  }
  for (const char* list : {"container", "init_container"}) {
    const Value* cs = pod->get(list);
    if (!cs) continue;
    std::vector<const Value*> containers;
    if (cs->is_list()) {
      for (const auto& c : cs->items) containers.push_back(&c);
    } else {
      containers.push_back(cs);
    }
    for (size_t i = 0; i < containers.size(); ++i) {
      const Value& c = *containers[i];
      if (!c.is_map()) continue;
      const Value* name = c.get("name");
      const Value* sc = c.get("security_context");
      if (sc && sc->is_list() && !sc->items.empty()) sc = &sc->items[0];
      r.facets.push_back(container_facet(name && name->is_string() ? name->text : std::to_string(i),
                                         base + "." + list + "." + std::to_string(i),
                                         c.get("image"), nullptr, c.get("resources"), nullptr,
                                         sc && sc->is_map() ? sc->get("privileged") : nullptr));
    }
  }
}

void Instance::emit(Graph& g) {
  // Graph resources: variables, locals, outputs, module calls, providers, resources, data.
  std::map<std::string, std::vector<uint32_t>> ids;  // reference name -> graph resources
  auto add = [&](const std::string& ref, Resource r) {
    g.resources.push_back(std::move(r));
    ids[ref].push_back(static_cast<uint32_t>(g.resources.size() - 1));
    return static_cast<uint32_t>(g.resources.size() - 1);
  };
  auto base = [&](std::string type, std::string name, std::string address, const Decl& d) {
    Resource r;
    r.type = std::move(type);
    r.format = "terraform";
    r.name = std::move(name);
    r.address = root_prefix_ + prefix_ + address;
    r.file = file_for(d.file);
    r.span = span_for(d.block->span);
    return r;
  };
  std::vector<std::pair<uint32_t, const Body*>> bodies;
  std::map<uint32_t, std::vector<std::string>> depends;

  for (const auto& [name, d] : mod_.variables) {
    Resource r = base("variable", name, "var." + name, d);
    r.attributes = Value::map(r.file, r.span);
    tf::Evaluator ev(*this, d.file, d.src);
    for (const auto& a : d.block->body.attributes) {
      if (a.name == "type") {
        Value t = tf::make_string(d.src ? hcl::expr_text(*d.src, a.expr) : std::string());
        place(t, d.file, a.expr.span);
        r.attributes.set("type", std::move(t), span_for(a.name_span));
        continue;
      }
      Value v = ev.eval(a.expr);
      place(v, d.file, a.expr.span);
      r.attributes.set(a.name, std::move(v), span_for(a.name_span));
    }
    Value value = vars_.count(name) ? vars_[name] : Value::unknown("var." + name);
    r.attributes.set("value", std::move(value));
    const uint32_t id = add("var." + name, std::move(r));
    (void)id;
  }
  for (const auto& [name, decl] : mod_.locals) {
    const auto& [attr, file] = decl;
    Resource r;
    r.type = "local";
    r.format = "terraform";
    r.name = name;
    r.address = root_prefix_ + prefix_ + "local." + name;
    r.file = file_for(file);
    r.span = span_for(attr->span);
    r.attributes = Value::map(r.file, r.span);
    r.attributes.set("value", local_value(name), span_for(attr->name_span));
    std::set<std::string> refs;
    collect_refs(attr->expr, refs);
    const uint32_t id = add("local." + name, std::move(r));
    static const Body kEmpty;
    bodies.emplace_back(id, &kEmpty);
    for (const auto& ref : refs) depends[id].push_back("ref:" + ref);
  }
  for (const auto& [name, d] : mod_.outputs) {
    Resource r = base("output", name, "output." + name, d);
    r.attributes = Value::map(r.file, r.span);
    r.attributes.set("value", output_value(name));
    if (const hcl::Attribute* s = d.block->body.attribute("sensitive")) {
      r.attributes.set("sensitive", s->expr.kind == ExprKind::Literal ? s->expr.value : Value{});
    }
    const uint32_t id = add("output." + name, std::move(r));
    bodies.emplace_back(id, &d.block->body);
  }
  for (const auto& [name, d] : mod_.providers) {
    Resource r = base("provider", d.block->labels.empty() ? name : d.block->labels[0],
                      "provider." + name, d);
    tf::Evaluator ev(*this, d.file, d.src);
    r.attributes = eval_body(d.block->body, ev, d.file, true);
    const uint32_t id = add("provider." + name, std::move(r));
    bodies.emplace_back(id, &d.block->body);
  }
  for (auto& [name, call] : calls_) {
    auto it = mod_.modules.find(name);
    if (it == mod_.modules.end()) continue;
    const Decl& d = it->second;
    tf::Evaluator ev(*this, d.file, d.src);
    std::vector<uint32_t> call_ids;
    const size_t n = std::max<size_t>(1, call.children.size());
    for (size_t i = 0; i < n; ++i) {
      const Value key = i < call.children.size() ? call.children[i].first : Value{};
      Resource r = base("module", name, "module." + name + instance_key(key), d);
      Value attrs = Value::map(r.file, r.span);
      for (const auto& a : d.block->body.attributes) {
        if (a.name == "count" || a.name == "for_each" || a.name == "depends_on" ||
            a.name == "providers")
          continue;
        Value v = ev.eval(a.expr);
        place(v, d.file, a.expr.span);
        attrs.set(a.name, std::move(v), span_for(a.name_span));
      }
      r.attributes = std::move(attrs);
      const uint32_t id = add("module." + name, std::move(r));
      bodies.emplace_back(id, &d.block->body);
      call_ids.push_back(id);
    }
    for (size_t i = 0; i < call.children.size(); ++i) {
      const size_t before = g.resources.size();
      call.children[i].second->emit(g);
      for (size_t k = before; k < g.resources.size(); ++k) {
        // The call contains what its instance declares (directly, not its grandchildren's twice).
        if (g.resources[k].address.rfind(root_prefix_ + prefix_ + "module." + name, 0) == 0) {
          g.edges.push_back(Edge{call_ids[i], static_cast<uint32_t>(k), "contains"});
        }
      }
    }
  }
  for (bool data : {false, true}) {
    const auto& decls = data ? mod_.data : mod_.resources;
    for (const auto& [key, d] : decls) {
      const std::string full = data ? "data." + key : key;
      resource(key, data);
      // Evaluation is over: the instances move into the graph, and what references read goes.
      ResourceEval& re = resources_[full];
      re.ref = Value{};
      const std::string type = data ? "data." + d.block->labels[0] : d.block->labels[0];
      for (auto& inst : re.instances) {
        Resource r = base(type, d.block->labels.size() > 1 ? d.block->labels[1] : "",
                          full + instance_key(inst.key), d);
        r.attributes = std::move(inst.attributes);
        if (!data) container_facets(r);
        const uint32_t id = add(full, std::move(r));
        bodies.emplace_back(id, &d.block->body);
      }
    }
  }

  // Reference edges: from each declaration's instances to what its expressions name.
  for (const auto& [id, body] : bodies) {
    std::set<std::string> refs;
    std::vector<std::string> deps;
    collect_body_refs(*body, refs, &deps);
    for (const auto& extra : depends[id]) refs.insert(extra.substr(4));
    for (const auto& ref : refs) {
      auto it = ids.find(ref);
      if (it == ids.end()) continue;
      for (uint32_t to : it->second) g.add_edge(id, to, "references");
    }
    for (const auto& dep : deps) {
      auto it = ids.find(dep);
      if (it == ids.end()) continue;
      for (uint32_t to : it->second) g.add_edge(id, to, "depends_on");
    }
  }
}

// ---------------------------------------------------------------------------------------

void merge_override(Block& target, const Block& over) {
  for (const auto& a : over.body.attributes) {
    bool replaced = false;
    for (auto& t : target.body.attributes) {
      if (t.name == a.name) {
        t = a;
        replaced = true;
      }
    }
    if (!replaced) target.body.attributes.push_back(a);
  }
  // A nested block type in the override replaces all blocks of that type.
  std::set<std::string> types;
  for (const auto& b : over.body.blocks) types.insert(b.type);
  auto& blocks = target.body.blocks;
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                              [&](const Block& b) { return types.count(b.type) > 0; }),
               blocks.end());
  for (const auto& b : over.body.blocks) blocks.push_back(b);
}

void Builder::index_dir(ModuleDir& m, std::vector<const ParsedFile*> files) {
  // OpenTofu: "x.tofu" hides "x.tf" (and .tofu.json hides .tf.json).
  std::set<std::string> tofu_stems;
  for (const auto* f : files) {
    const std::string name =
        std::string(path_base(g_.files.size() > f->file ? g_.files[f->file].path : ""));
    if (ends_with(name, ".tofu") || ends_with(name, ".tofu.json")) tofu_stems.insert(stem_of(name));
  }
  std::vector<const ParsedFile*> primary;
  std::vector<const ParsedFile*> overrides;
  for (const auto* f : files) {
    const std::string path =
        f->file < g_.files.size() ? g_.files[f->file].path : f->ast.source->path();
    const std::string name = std::string(path_base(path));
    if (is_tfvars(name)) {
      if (name == "terraform.tfvars" || name == "terraform.tfvars.json") {
        m.auto_tfvars.insert(m.auto_tfvars.begin(), f);
      } else if (ends_with(name, ".auto.tfvars") || ends_with(name, ".auto.tfvars.json")) {
        m.auto_tfvars.push_back(f);
      }
      continue;
    }
    if ((ends_with(name, ".tf") || ends_with(name, ".tf.json")) && tofu_stems.count(stem_of(name)))
      continue;
    (is_override(name) ? overrides : primary).push_back(f);
  }
  // terraform.tfvars, then *.auto.tfvars in lexical order.
  std::stable_sort(m.auto_tfvars.begin() + (m.auto_tfvars.empty() ? 0 : 1), m.auto_tfvars.end(),
                   [&](const ParsedFile* a, const ParsedFile* b) {
                     return a->ast.source->path() < b->ast.source->path();
                   });

  auto add_block = [&](const Block& blk, uint32_t file, const SourceFile* src) {
    const Decl d{&blk, file, src};
    auto key2 = [&]() {
      return blk.labels.size() >= 2 ? blk.labels[0] + "." + blk.labels[1] : std::string();
    };
    if (blk.type == "resource" && blk.labels.size() >= 2) {
      m.resources[key2()] = d;
    } else if (blk.type == "data" && blk.labels.size() >= 2) {
      m.data[key2()] = d;
    } else if (blk.type == "variable" && !blk.labels.empty()) {
      m.variables[blk.labels[0]] = d;
    } else if (blk.type == "output" && !blk.labels.empty()) {
      m.outputs[blk.labels[0]] = d;
    } else if (blk.type == "module" && !blk.labels.empty()) {
      m.modules[blk.labels[0]] = d;
    } else if (blk.type == "provider" && !blk.labels.empty()) {
      const hcl::Attribute* alias = blk.body.attribute("alias");
      std::string key = blk.labels[0];
      if (alias && alias->expr.kind == ExprKind::Literal) key += "." + alias->expr.value.text;
      m.providers[key] = d;
    } else if (blk.type == "locals") {
      for (const auto& a : blk.body.attributes) {
        m.locals[a.name] = {&a, file};
        m.local_sources[a.name] = src;
      }
    }
  };
  for (const auto* f : primary) {
    for (const auto& blk : f->ast.body.blocks) add_block(blk, f->file, f->ast.source);
  }
  for (const auto* f : overrides) {
    for (const auto& over : f->ast.body.blocks) {
      auto* decls = over.type == "resource"   ? &m.resources
                    : over.type == "data"     ? &m.data
                    : over.type == "variable" ? &m.variables
                    : over.type == "output"   ? &m.outputs
                    : over.type == "module"   ? &m.modules
                                              : nullptr;
      if (over.type == "locals") {
        for (const auto& a : over.body.attributes) {
          m.locals[a.name] = {&a, f->file};
          m.local_sources[a.name] = f->ast.source;
        }
        continue;
      }
      if (!decls) continue;
      const std::string key =
          over.labels.size() >= 2 && (over.type == "resource" || over.type == "data")
              ? over.labels[0] + "." + over.labels[1]
          : over.labels.empty() ? ""
                                : over.labels[0];
      auto it = decls->find(key);
      if (it == decls->end()) continue;  // Terraform: an override must match an existing block
      m.owned.push_back(*it->second.block);
      merge_override(m.owned.back(), over);
      it->second.block = &m.owned.back();
    }
  }
}

const ModuleDir* Builder::external_dir(const std::string& abs_dir) {
  read_disk_ = true;
  auto it = dirs_.find("ext:" + abs_dir);
  if (it != dirs_.end()) return it->second.get();
  std::error_code ec;
  if (!fs::is_directory(abs_dir, ec)) return nullptr;
  // A module inside the scan root that discovery skipped (.terraform) or outside it: read
  // its .tf files here; findings point at the call.
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(abs_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) &&
        (ends_with(name, ".tf") || ends_with(name, ".tf.json") || ends_with(name, ".tofu"))) {
      paths.push_back(e.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  auto m = std::make_unique<ModuleDir>();
  m->dir = abs_dir;
  m->external = true;
  std::vector<const ParsedFile*> files;
  for (const auto& p : paths) {
    if (fs::file_size(p, ec) > opt_.max_file_size) continue;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    external_sources_.emplace_back(p.string(), ss.str());
    std::vector<Diagnostic> ignored;  // not part of the scan: its syntax is its authors' business
    external_files_.push_back(parse_file(external_sources_.back(), kNoFile, ignored));
    files.push_back(&external_files_.back());
  }
  index_dir(*m, files);
  const ModuleDir* result = m.get();
  dirs_["ext:" + abs_dir] = std::move(m);
  return result;
}

void Builder::run() {
  std::map<std::string, std::vector<const ParsedFile*>> by_dir;
  for (const auto& [file, pf] : by_file_) {
    const std::string dir(path_dir(g_.files[file].path));
    by_dir[dir].push_back(pf);
    stamps_[dir] += std::to_string(file) + ":" + std::to_string(pf->generation) + ";";
  }
  for (auto& [dir, files] : by_dir) {
    auto m = std::make_unique<ModuleDir>();
    m->dir = dir;
    index_dir(*m, files);
    dirs_[dir] = std::move(m);
  }
  // Root modules: folders with configuration that no scanned module calls (DECISIONS.md 5).
  std::set<std::string> called;
  for (const auto& [dir, m] : dirs_) {
    for (const auto& [name, d] : m->modules) {
      const hcl::Attribute* src = d.block->body.attribute("source");
      if (!src || src->expr.kind != ExprKind::Literal) continue;
      const std::string& s = src->expr.value.text;
      if (s.rfind("./", 0) != 0 && s.rfind("../", 0) != 0) continue;
      const std::string joined = join_path(dir, s);
      if (!joined.empty() && joined != dir && !(joined == "." && dir.empty()))
        called.insert(joined == "." ? "" : joined);
    }
  }
  std::vector<const ModuleDir*> candidates;  // external folders join dirs_ while roots evaluate
  for (const auto& [dir, m] : dirs_) candidates.push_back(m.get());
  for (const ModuleDir* mp : candidates) {
    const ModuleDir* m = mp;
    const std::string& dir = m->dir;
    if (called.count(dir)) continue;
    if (m->resources.empty() && m->data.empty() && m->modules.empty() && m->variables.empty() &&
        m->outputs.empty() && m->locals.empty() && m->providers.empty()) {
      continue;  // only tfvars, or empty files
    }
    if (cache_) {
      auto it = cache_->roots.find(dir);
      if (it != cache_->roots.end() &&
          std::all_of(it->second.folders.begin(), it->second.folders.end(), [&](const auto& f) {
            auto now = stamps_.find(f.first);
            return f.second == (now == stamps_.end() ? std::string() : now->second);
          })) {
        append(it->second, true);
        continue;
      }
    }
    touched_.clear();
    read_disk_ = !opt_.var_files.empty();
    module_dir(dir);
    const size_t diagnostics_before = g_.diagnostics.size();
    const size_t instances_before = total_instances_;
    root_module_dir_ = dir;
    auto inst = std::make_unique<Instance>(*this, *m, "", dir.empty() ? "" : dir + ":", 0,
                                           std::vector<std::string>{dir}, kNoFile, Span{});
    // Variables: default < TF_VAR_name < terraform.tfvars < *.auto.tfvars < --var-file / --var.
    std::map<std::string, std::pair<Value, bool>> values;  // name -> (value, from literal text)
    for (const auto& [name, d] : m->variables) {
      if (const hcl::Attribute* def = d.block->body.attribute("default")) {
        tf::Evaluator ev(*inst, d.file, d.src);
        Value v = ev.eval(def->expr);
        reanchor(v, d.file, def->expr.span);
        values[name] = {std::move(v), false};
      }
      if (opt_.read_env) {
        if (const char* env = std::getenv(("TF_VAR_" + name).c_str()))
          values[name] = {tf::make_string(env), true};
      }
    }
    auto apply_tfvars = [&](const ParsedFile& f) {
      for (const auto& a : f.ast.body.attributes) {
        if (!m->variables.count(a.name)) continue;
        tf::Evaluator ev(*inst, f.file, f.ast.source);
        Value v = ev.eval(a.expr);
        reanchor(v, f.file, a.expr.span);
        values[a.name] = {std::move(v), false};
      }
    };
    for (const auto* f : m->auto_tfvars) apply_tfvars(*f);
    for (const auto& vf : opt_.var_files) {
      for (const auto& [file, pf] : by_file_) {
        std::error_code ec;
        if (fs::equivalent(fs::path(g_.root) / g_.files[file].path, vf, ec)) apply_tfvars(*pf);
      }
    }
    for (const auto& [name, text] : opt_.vars) values[name] = {tf::make_string(text), true};
    for (const auto& [name, d] : m->variables) {
      auto it = values.find(name);
      Value v = it == values.end() ? Value::unknown("var." + name, d.file, d.block->span)
                                   : it->second.first;
      // Declared types convert values given as text (TF_VAR_, --var) and tfvars strings.
      if (const hcl::Attribute* t = d.block->body.attribute("type")) {
        const std::string type = t->expr.kind == ExprKind::Variable ? t->expr.name : "";
        if (type == "number") {
          if (auto n = tf::to_number(v); n && v.is_string()) v = tf::make_number(*n);
        } else if (type == "bool") {
          if (auto b = tf::to_bool(v); b && v.is_string()) v = tf::make_bool(*b);
        } else if (type == "string" && v.kind == ValueKind::Number) {
          v = tf::make_string(format_number(v.number));
        } else if (it != values.end() && it->second.second && type.empty()) {
          // A complex type given as text is HCL.
          if (auto e = hcl::parse_expression(v.text, d.file, d.block->span)) {
            tf::Evaluator ev(*inst, d.file, d.src);
            v = ev.eval(*e);
          }
        }
        if (v.file == kNoFile) tf::anchor(v, d.file, d.block->span);
      }
      if (const hcl::Attribute* s = d.block->body.attribute("sensitive")) {
        if (s->expr.kind == ExprKind::Literal && s->expr.value.boolean) v.mark_sensitive();
      }
      inst->set_var(name, std::move(v));
    }
    inst->evaluate_all();
    Cache::Root out;
    {
      Graph local;
      inst->emit(local);
      out.resources = std::move(local.resources);
      out.edges = std::move(local.edges);
    }
    find_secrets(out.resources, [this](uint32_t f) { return g_.source(f); });
    out.folders = std::move(touched_);
    out.instances = total_instances_ - instances_before;
    out.diagnostics.assign(g_.diagnostics.begin() + static_cast<ptrdiff_t>(diagnostics_before),
                           g_.diagnostics.end());
    g_.diagnostics.resize(diagnostics_before);
    if (cache_ && !read_disk_) {
      append(cache_->roots[dir] = std::move(out), true);
    } else {
      if (cache_) cache_->roots.erase(dir);
      append(out, false);
    }
  }
}

void Builder::append(Cache::Root& root, bool keep) {
  const auto base = static_cast<uint32_t>(g_.resources.size());
  if (keep) {
    g_.resources.insert(g_.resources.end(), root.resources.begin(), root.resources.end());
  } else {
    std::move(root.resources.begin(), root.resources.end(), std::back_inserter(g_.resources));
  }
  for (const auto& e : root.edges) g_.add_edge(base + e.from, base + e.to, e.kind);
  g_.diagnostics.insert(g_.diagnostics.end(), root.diagnostics.begin(), root.diagnostics.end());
  total_instances_ += root.instances;
}

}  // namespace

ParsedFile parse_file(const SourceFile& source, uint32_t file_index,
                      std::vector<Diagnostic>& diagnostics, bool keep_tree,
                      const ParsedFile* previous) {
  static std::atomic<uint64_t> generations{0};
  ParsedFile f;
  f.file = file_index;
  f.generation = ++generations;
  const std::string name = std::string(path_base(source.path()));
  if (is_json(name)) {
    f.ast = hcl::parse_json(source, file_index, diagnostics, is_tfvars(name));
  } else {
    hcl::Incremental inc;
    if (previous && previous->tree) {
      inc.previous = previous->tree;
      inc.previous_source = previous->ast.source;
    }
    f.ast = hcl::parse_native(source, file_index, diagnostics, {}, keep_tree ? &inc : nullptr);
    f.tree = std::move(inc.tree);
  }
  f.ast.source = &source;
  return f;
}

void build(Graph& graph, const std::vector<std::shared_ptr<const ParsedFile>>& files,
           const Options& options, Cache* cache) {
  Builder b(graph, files, options, cache);
  b.run();
}

}  // namespace infralint::terraform
