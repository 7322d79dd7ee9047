#include "parsers/yaml/yaml.hpp"

#include <yaml.h>

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace infralint::yaml {

namespace {

bool is_null_text(std::string_view t) {
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

int bool_text(std::string_view t) {
  // YAML 1.2 core booleans plus the YAML 1.1 yes/no/on/off that compose files rely on.
  static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes",
                                               "YES",  "on",   "On",   "ON"};
  static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No",
                                                "NO",    "off",   "Off",   "OFF"};
  for (auto s : kTrue) {
    if (t == s) return 1;
  }
  for (auto s : kFalse) {
    if (t == s) return 0;
  }
  return -1;
}

struct Frame {
  Value node;
  std::string anchor;
  bool have_key = false;
  bool key_is_merge = false;
  std::string key;
  Span key_span;
  std::vector<Value> merges;
  std::unordered_set<std::string> explicit_keys;
};

class Builder {
 public:
  Builder(const SourceFile& src, uint32_t file, const Options& opt, Result& out)
      : src_(src), file_(file), opt_(opt), out_(out) {}

  void run();

 private:
  Span span_of(const yaml_mark_t& a, const yaml_mark_t& b) const {
    return Span{src_.offset_of(static_cast<uint32_t>(a.line), static_cast<uint32_t>(a.column)),
                src_.offset_of(static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column))};
  }
  void diag(Severity sev, const yaml_mark_t& m, std::string msg) {
    out_.diagnostics.push_back(
        Diagnostic{sev, src_.path(),
                   Position{static_cast<uint32_t>(m.line) + 1, static_cast<uint32_t>(m.column) + 1},
                   std::move(msg)});
  }
  void diag_at(Severity sev, uint32_t offset, std::string msg) {
    out_.diagnostics.push_back(Diagnostic{sev, src_.path(), src_.position(offset), std::move(msg)});
  }
  void on_scalar(const yaml_event_t& ev);
  void on_alias(const yaml_event_t& ev);
  void deliver(Value v, const std::string& anchor);
  void close_map(Frame& f);
  void syntax_error(yaml_parser_t& p);

  const SourceFile& src_;
  uint32_t file_;
  const Options& opt_;
  Result& out_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, std::pair<Value, size_t>> anchors_;
  size_t alias_nodes_ = 0;
  bool alias_cap_reported_ = false;
  Value doc_root_;
  bool have_root_ = false;
};

void Builder::on_scalar(const yaml_event_t& ev) {
  const auto& s = ev.data.scalar;
  std::string text(reinterpret_cast<const char*>(s.value), s.length);
  const Span span = span_of(ev.start_mark, ev.end_mark);
  const std::string anchor = s.anchor ? reinterpret_cast<const char*>(s.anchor) : "";
  const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;

  if (!stack_.empty() && stack_.back().node.is_map() && !stack_.back().have_key) {
    Frame& f = stack_.back();  // a mapping key: always a string (DECISIONS.md 2)
    f.have_key = true;
    f.key_is_merge = plain && text == "<<";
    f.key = std::move(text);
    f.key_span = span;
    return;
  }

  Value v;
  v.file = file_;
  v.span = span;
  v.quoted = !plain;
  const bool str_tag =
      s.tag && std::string_view(reinterpret_cast<const char*>(s.tag)) == "tag:yaml.org,2002:str";
  if (plain && !str_tag) {
    double number = 0;
    int b = -1;
    if (is_null_text(text)) {
      v.kind = ValueKind::Null;
    } else if ((b = bool_text(text)) >= 0) {
      v.kind = ValueKind::Bool;
      v.boolean = b == 1;
    } else if (parse_number(text, number)) {
      v.kind = ValueKind::Number;
      v.number = number;
    } else {
      v.kind = ValueKind::String;
    }
  } else {
    v.kind = ValueKind::String;
  }
  v.text = std::move(text);
  deliver(std::move(v), anchor);
}

void Builder::on_alias(const yaml_event_t& ev) {
  const std::string name = reinterpret_cast<const char*>(ev.data.alias.anchor);
  auto it = anchors_.find(name);
  const Span span = span_of(ev.start_mark, ev.end_mark);
  if (it == anchors_.end()) {
    diag(Severity::Error, ev.start_mark, "undefined alias *" + name);
    deliver(Value::null_at(file_, span), "");
    return;
  }
  alias_nodes_ += it->second.second;
  if (alias_nodes_ > opt_.max_alias_nodes) {
    if (!alias_cap_reported_) {
      diag(Severity::Error, ev.start_mark,
           "alias expansion exceeds " + std::to_string(opt_.max_alias_nodes) +
               " nodes (an alias bomb?); further aliases in this file are left empty");
      alias_cap_reported_ = true;
    }
    deliver(Value::null_at(file_, span), "");
    return;
  }
  deliver(it->second.first, "");
}

void Builder::deliver(Value v, const std::string& anchor) {
  if (!anchor.empty()) {
    const size_t n = v.node_count();
    anchors_[anchor] = {v, n};
  }
  if (stack_.empty()) {
    doc_root_ = std::move(v);
    have_root_ = true;
    return;
  }
  Frame& f = stack_.back();
  if (f.node.is_list()) {
    f.node.items.push_back(std::move(v));
    return;
  }
  if (!f.have_key) {
    // A collection used as a mapping key: keep its source text as the key.
    const Span span = v.span;
    f.have_key = true;
    f.key_is_merge = false;
    f.key = std::string(src_.text().substr(span.begin, span.end - span.begin));
    f.key_span = span;
    diag_at(Severity::Warning, span.begin, "complex mapping key is read as its source text");
    out_.complex_keys = true;
    return;
  }
  f.have_key = false;
  if (f.key_is_merge) {
    f.merges.push_back(std::move(v));
    return;
  }
  if (!f.explicit_keys.insert(f.key).second) {
    diag_at(Severity::Warning, f.key_span.begin,
            "duplicate key \"" + f.key + "\": the last value wins");
    f.node.set(std::move(f.key), std::move(v), f.key_span);  // replaces: rare, linear is fine
    return;
  }
  // A new key: appended without a scan, so a mapping of 100,000 keys stays linear.
  f.node.entries.push_back(MapEntry{std::move(f.key), f.key_span, std::move(v)});
}

void Builder::close_map(Frame& f) {
  // YAML merge keys: explicit keys win over merged ones; among merged maps, earlier ones win.
  for (Value& m : f.merges) {
    std::vector<Value*> sources;
    if (m.is_map()) {
      sources.push_back(&m);
    } else if (m.is_list()) {
      for (auto& item : m.items) {
        if (item.is_map()) sources.push_back(&item);
      }
    }
    if (sources.empty() && !m.is_null()) {
      diag_at(Severity::Warning, m.span.begin, "merge key value is not a mapping: ignored");
    }
    for (Value* s : sources) {
      for (auto& e : s->entries) {
        if (f.explicit_keys.insert(e.key).second) f.node.entries.push_back(e);
      }
    }
  }
}

void Builder::syntax_error(yaml_parser_t& p) {
  const yaml_mark_t& m = p.problem ? p.problem_mark : p.mark;
  std::string msg = p.problem ? p.problem : "YAML syntax error";
  const uint32_t off =
      src_.offset_of(static_cast<uint32_t>(m.line), static_cast<uint32_t>(m.column));
  if (off < src_.text().size() && src_.text()[off] == '\t') {
    msg = "tab character where YAML allows only spaces (indentation must use spaces)";
  } else if (p.context) {
    msg = std::string(p.problem ? p.problem : "syntax error") + " " + p.context;
  }
  if (p.error == YAML_READER_ERROR) {
    // The reader reports a byte offset, not a line and column.
    diag_at(Severity::Error, static_cast<uint32_t>(p.problem_offset),
            std::string("cannot read YAML: ") + (p.problem ? p.problem : "invalid input"));
  } else {
    diag(Severity::Error, m, msg);
  }
  out_.failed = true;
}

void Builder::run() {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    out_.failed = true;
    return;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(src_.text().data()),
                               src_.text().size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  Span doc_span;
  bool done = false;
  while (!done) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      syntax_error(parser);
      break;
    }
    switch (ev.type) {
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      case YAML_DOCUMENT_START_EVENT:
        doc_span.begin = span_of(ev.start_mark, ev.start_mark).begin;
        anchors_.clear();
        have_root_ = false;
        doc_root_ = Value{};
        break;
      case YAML_DOCUMENT_END_EVENT:
        doc_span.end = span_of(ev.end_mark, ev.end_mark).begin;
        out_.documents.push_back(Document{std::move(doc_root_), doc_span});
        doc_root_ = Value{};
        break;
      case YAML_SCALAR_EVENT:
        on_scalar(ev);
        break;
      case YAML_ALIAS_EVENT:
        on_alias(ev);
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (stack_.size() >= opt_.max_depth) {
          diag(Severity::Error, ev.start_mark,
               "nesting deeper than " + std::to_string(opt_.max_depth) + " levels: file not read");
          out_.failed = true;
          done = true;
          break;
        }
        Frame f;
        const bool is_map = ev.type == YAML_MAPPING_START_EVENT;
        f.node = is_map ? Value::map(file_, span_of(ev.start_mark, ev.end_mark))
                        : Value::list(file_, span_of(ev.start_mark, ev.end_mark));
        const auto* anchor = is_map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
        if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
        stack_.push_back(std::move(f));
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.node.is_map()) close_map(f);
        f.node.span.end = span_of(ev.end_mark, ev.end_mark).begin;
        deliver(std::move(f.node), f.anchor);
        break;
      }
      default:
        break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
}

}  // namespace

Result parse(const SourceFile& source, uint32_t file_index, const Options& options) {
  Result r;
  Builder(source, file_index, options, r).run();
  return r;
}

}  // namespace infralint::yaml
