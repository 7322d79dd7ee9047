#include "parsers/dockerfile/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text.hpp"
#include "parsers/common/image.hpp"

namespace infralint::dockerfile {

namespace {

std::string upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// A logical line's text and where each piece of it sits in the file.
struct Logical {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> segments;  // (logical start, file offset)
  uint32_t file_begin = 0;
  uint32_t file_end = 0;

  void append(std::string_view piece, uint32_t file_offset) {
    segments.emplace_back(static_cast<uint32_t>(text.size()), file_offset);
    text.append(piece);
  }
  uint32_t file_offset(size_t logical) const {
    auto it = std::upper_bound(segments.begin(), segments.end(), static_cast<uint32_t>(logical),
                               [](uint32_t v, const auto& s) { return v < s.first; });
    if (it == segments.begin()) return file_begin;
    --it;
    return it->second + static_cast<uint32_t>(logical - it->first);
  }
  Span span(size_t b, size_t e) const {
    if (e <= b) return Span{file_offset(b), file_offset(b)};
    return Span{file_offset(b), file_offset(e - 1) + 1};
  }
};

struct Heredoc {
  std::string delimiter;
  bool strip_tabs = false;
  bool quoted = false;
  std::string body;
  Span span;  // the body
};

struct Instruction {
  std::string keyword;  // upper case
  Logical line;
  size_t args_begin = 0;  // in line.text
  std::vector<Heredoc> heredocs;
};

// Variables visible to substitution: nullopt is a declared ARG without a value (set at build
// time, so unknown here).
using Vars = std::map<std::string, std::optional<std::string>>;

// Docker's substitution: $VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}, '\$' for a literal '$'.
// Returns nullopt when a variable it needs is unknown.
std::optional<std::string> substitute(std::string_view s, const Vars& vars, char escape) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == escape && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (c != '$' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    std::string name;
    std::string op;
    std::string word;
    size_t j = i + 1;
    if (s[j] == '{') {
      const size_t close = s.find('}', j);
      if (close == std::string_view::npos) {
        out += c;
        continue;
      }
      std::string_view inner = s.substr(j + 1, close - j - 1);
      size_t k = 0;
      while (k < inner.size() &&
             (std::isalnum(static_cast<unsigned char>(inner[k])) || inner[k] == '_'))
        ++k;
      name = std::string(inner.substr(0, k));
      if (k < inner.size()) {
        if (inner.substr(k, 2) == ":-" || inner.substr(k, 2) == ":+") {
          op = std::string(inner.substr(k, 2));
          word = std::string(inner.substr(k + 2));
        } else if (inner[k] == '-' || inner[k] == '+') {
          op = std::string(1, inner[k]);
          word = std::string(inner.substr(k + 1));
        } else {
          return std::nullopt;  // pattern operators (#, %, /): not evaluated
        }
      }
      i = close;
    } else {
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      name = std::string(s.substr(i + 1, j - i - 1));
      if (name.empty()) {
        out += c;
        continue;
      }
      i = j - 1;
    }
    auto it = vars.find(name);
    const bool declared = it != vars.end();
    const bool known = declared && it->second.has_value();
    const bool set_nonempty = known && !it->second->empty();
    if (op == ":-" || op == "-") {
      if (!declared || (known && (op == "-" || set_nonempty))) {
        if (declared) {
          out += *it->second;
        } else {
          auto w = substitute(word, vars, escape);
          if (!w) return std::nullopt;
          out += *w;
        }
      } else if (known) {  // ":-" with an empty value
        auto w = substitute(word, vars, escape);
        if (!w) return std::nullopt;
        out += *w;
      } else {
        return std::nullopt;
      }
    } else if (op == ":+" || op == "+") {
      if (!declared) continue;
      if (!known) return std::nullopt;
      if (op == "+" || set_nonempty) {
        auto w = substitute(word, vars, escape);
        if (!w) return std::nullopt;
        out += *w;
      }
    } else {
      if (!known) return std::nullopt;
      out += *it->second;
    }
  }
  return out;
}

class Parser {
 public:
  Parser(const SourceFile& src, uint32_t file, ParseOutput& out)
      : src_(src), file_(file), out_(out) {}
  void run();

 private:
  void read_directives();
  void read_instructions();
  void read_heredocs(Instruction& ins);
  void build();
  Value str(std::string s, Span sp) const { return Value::string(std::move(s), file_, sp); }
  Value resolved(const std::string& raw, Span sp, const Vars& vars) const {
    auto v = substitute(raw, vars, escape_);
    return v ? str(*v, sp) : Value::unknown(raw, file_, sp);
  }
  Value instruction_value(const Instruction& ins, const Vars& vars);
  void diag(Severity s, uint32_t offset, std::string msg) {
    out_.diag(s, src_, offset, std::move(msg));
  }

  const SourceFile& src_;
  uint32_t file_;
  ParseOutput& out_;
  char escape_ = '\\';
  Value directives_ = Value::map();
  size_t line_ = 0;  // next physical line (0-based)
  std::vector<Instruction> instructions_;
};

void Parser::read_directives() {
  // Directives are comments of the form "# key=value" before anything else.
  std::map<std::string, bool> seen;
  for (; line_ < src_.line_count(); ++line_) {
    std::string_view l = src_.line_text(static_cast<uint32_t>(line_));
    size_t i = 0;
    while (i < l.size() && is_space(l[i])) ++i;
    if (i >= l.size() || l[i] != '#') return;
    ++i;
    while (i < l.size() && is_space(l[i])) ++i;
    size_t k = i;
    while (k < l.size() && std::isalpha(static_cast<unsigned char>(l[k]))) ++k;
    std::string key = ascii_lower(l.substr(i, k - i));
    while (k < l.size() && is_space(l[k])) ++k;
    if (key.empty() || k >= l.size() || l[k] != '=' || seen[key]) return;
    if (key != "syntax" && key != "escape" && key != "check") return;
    seen[key] = true;
    std::string_view value = l.substr(k + 1);
    while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
    const uint32_t off = src_.offset_of(static_cast<uint32_t>(line_), 0);
    const Span sp{off + static_cast<uint32_t>(value.data() - l.data()),
                  off + static_cast<uint32_t>(value.data() - l.data() + value.size())};
    if (key == "escape") {
      if (value == "`" || value == "\\") {
        escape_ = value[0];
      } else {
        diag(Severity::Error, sp.begin, "escape directive must be \\ or `");
      }
    }
    directives_.set(key, str(std::string(value), sp), sp);
  }
}

void Parser::read_heredocs(Instruction& ins) {
  // BuildKit heredocs: <<WORD, <<-WORD, <<"WORD", <<'WORD'; bodies follow the instruction in
  // the order their markers appear.
  const std::string& t = ins.line.text;
  for (size_t i = ins.args_begin; i + 2 < t.size(); ++i) {
    if (t[i] != '<' || t[i + 1] != '<' || (i > 0 && t[i - 1] == '<')) continue;
    size_t j = i + 2;
    Heredoc h;
    if (j < t.size() && t[j] == '<') continue;  // here-string "<<<"
    if (j < t.size() && t[j] == '-') h.strip_tabs = true, ++j;
    char quote = 0;
    if (j < t.size() && (t[j] == '"' || t[j] == '\'')) quote = t[j++];
    const size_t w = j;
    while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '_')) ++j;
    if (j == w || std::isdigit(static_cast<unsigned char>(t[w]))) continue;
    if (quote && (j >= t.size() || t[j] != quote)) continue;
    h.delimiter = t.substr(w, j - w);
    h.quoted = quote != 0;
    ins.heredocs.push_back(std::move(h));
    i = j;
  }
  for (auto& h : ins.heredocs) {
    const uint32_t body_begin = src_.offset_of(static_cast<uint32_t>(line_), 0);
    bool closed = false;
    for (; line_ < src_.line_count(); ++line_) {
      std::string_view l = src_.line_text(static_cast<uint32_t>(line_));
      std::string_view cmp = l;
      if (h.strip_tabs) {
        while (!cmp.empty() && cmp.front() == '\t') cmp.remove_prefix(1);
      }
      if (cmp == h.delimiter) {
        h.span = Span{body_begin, src_.offset_of(static_cast<uint32_t>(line_), 0)};
        ++line_;
        closed = true;
        break;
      }
      h.body.append(cmp);
      h.body += '\n';
    }
    if (!closed) {
      h.span = Span{body_begin, static_cast<uint32_t>(src_.text().size())};
      diag(Severity::Error, ins.line.file_begin,
           "unterminated heredoc: no line \"" + h.delimiter + "\" closes it");
      return;
    }
  }
}

void Parser::read_instructions() {
  const size_t n = src_.line_count();
  while (line_ < n) {
    std::string_view l = src_.line_text(static_cast<uint32_t>(line_));
    size_t i = 0;
    while (i < l.size() && (is_space(l[i]) || l[i] == '\f' || l[i] == '\v')) ++i;
    if (i >= l.size() || l[i] == '#') {
      ++line_;
      continue;
    }
    Instruction ins;
    ins.line.file_begin =
        src_.offset_of(static_cast<uint32_t>(line_), 0) + static_cast<uint32_t>(i);
    std::string_view piece = l.substr(i);
    uint32_t piece_off = ins.line.file_begin;
    while (true) {
      // A trailing escape character (optionally followed by blanks) continues the line.
      size_t end = piece.size();
      while (end > 0 && is_space(piece[end - 1])) --end;
      const bool continues = end > 0 && piece[end - 1] == escape_;
      if (!continues) {
        ins.line.append(piece, piece_off);
        ins.line.file_end = piece_off + static_cast<uint32_t>(piece.size());
        ++line_;
        break;
      }
      ins.line.append(piece.substr(0, end - 1), piece_off);
      ins.line.file_end = piece_off + static_cast<uint32_t>(end);
      ++line_;
      // Comment lines and empty lines inside a continuation are skipped.
      while (line_ < n) {
        std::string_view next = src_.line_text(static_cast<uint32_t>(line_));
        size_t k = 0;
        while (k < next.size() && is_space(next[k])) ++k;
        if (k < next.size() && next[k] != '#') break;
        ++line_;
      }
      if (line_ >= n) break;
      piece = src_.line_text(static_cast<uint32_t>(line_));
      piece_off = src_.offset_of(static_cast<uint32_t>(line_), 0);
    }
    const std::string& t = ins.line.text;
    size_t k = 0;
    while (k < t.size() && !is_space(t[k])) ++k;
    ins.keyword = upper(std::string_view(t).substr(0, k));
    while (k < t.size() && is_space(t[k])) ++k;
    ins.args_begin = k;
    if (ins.keyword == "RUN" || ins.keyword == "COPY" || ins.keyword == "ADD") read_heredocs(ins);
    instructions_.push_back(std::move(ins));
  }
}

// Splits leading --flag[=value] options off an instruction's arguments.
size_t parse_flags(const std::string& t, size_t pos, Value& flags, const Logical& line,
                   uint32_t file) {
  while (pos + 2 <= t.size() && t.compare(pos, 2, "--") == 0) {
    size_t end = pos;
    char quote = 0;
    while (end < t.size() && (quote || !is_space(t[end]))) {
      if (quote && t[end] == quote) {
        quote = 0;
      } else if (!quote && (t[end] == '"' || t[end] == '\'')) {
        quote = t[end];
      }
      ++end;
    }
    std::string flag = t.substr(pos + 2, end - pos - 2);
    const size_t eq = flag.find('=');
    std::string name = flag.substr(0, eq);
    Value v = eq == std::string::npos
                  ? Value::string("", file, line.span(pos, end))
                  : Value::string(flag.substr(eq + 1), file, line.span(pos + 3 + eq, end));
    if (eq == std::string::npos) v = Value::of_bool(true, file, line.span(pos, end));
    // Repeated flags (several --mount) become a list.
    if (Value* existing = flags.get(name)) {
      if (!existing->is_list()) {
        Value list = Value::list(file, existing->span);
        list.items.push_back(std::move(*existing));
        *existing = std::move(list);
      }
      existing->items.push_back(std::move(v));
    } else {
      flags.set(name, std::move(v), line.span(pos, end));
    }
    pos = end;
    while (pos < t.size() && is_space(t[pos])) ++pos;
  }
  return pos;
}

Value Parser::instruction_value(const Instruction& ins, const Vars& vars) {
  const std::string& t = ins.line.text;
  Value v = Value::map(file_, Span{ins.line.file_begin, ins.line.file_end});
  v.set("instruction", str(ins.keyword, ins.line.span(0, ins.keyword.size())));
  Value flags = Value::map(file_, ins.line.span(ins.args_begin, ins.args_begin));
  size_t args = ins.args_begin;
  static const char* kWithFlags[] = {"FROM", "COPY", "ADD", "RUN", "HEALTHCHECK"};
  if (std::find(std::begin(kWithFlags), std::end(kWithFlags), ins.keyword) !=
      std::end(kWithFlags)) {
    args = parse_flags(t, args, flags, ins.line, file_);
  }
  v.set("flags", std::move(flags));
  const Span args_span = ins.line.span(args, t.size());
  std::string raw = t.substr(args);
  while (!raw.empty() && is_space(raw.back())) raw.pop_back();
  v.set("value", str(raw, args_span), args_span);
  // JSON (exec) form.
  bool json_form = false;
  if (!raw.empty() && raw[0] == '[') {
    auto j = nlohmann::json::parse(raw, nullptr, false);
    if (j.is_array() &&
        std::all_of(j.begin(), j.end(), [](const auto& e) { return e.is_string(); })) {
      json_form = true;
      Value list = Value::list(file_, args_span);
      for (const auto& e : j) list.items.push_back(resolved(e.get<std::string>(), args_span, vars));
      v.set("exec", std::move(list), args_span);
    }
  }
  Value form = str(json_form ? "exec" : "shell", args_span);
  v.set("form", std::move(form));
  if (!ins.heredocs.empty()) {
    v.span.end = std::max(v.span.end, ins.heredocs.back().span.end);
    Value docs = Value::list(file_, args_span);
    for (const auto& h : ins.heredocs) {
      Value d = Value::map(file_, h.span);
      d.set("delimiter", str(h.delimiter, h.span));
      d.set("body", str(h.body, h.span));
      docs.items.push_back(std::move(d));
    }
    v.set("heredocs", std::move(docs));
  }
  return v;
}

// Splits "a=b c=d" (ENV, LABEL, ARG) honouring quotes and escapes; the legacy "ENV key value"
// form is one pair.
std::vector<std::pair<std::string, std::string>> key_values(std::string_view s, bool legacy_allowed,
                                                            char escape) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t first_space = s.find_first_of(" \t");
  const size_t first_eq = s.find('=');
  if (legacy_allowed && (first_eq == std::string_view::npos ||
                         (first_space != std::string_view::npos && first_space < first_eq))) {
    if (first_space == std::string_view::npos) {
      out.emplace_back(std::string(s), "");
      return out;
    }
    std::string_view rest = s.substr(first_space);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    out.emplace_back(std::string(s.substr(0, first_space)), std::string(rest));
    return out;
  }
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    std::string token;
    char quote = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (quote) {
        if (c == quote) {
          quote = 0;
        } else if (c == escape && quote == '"' && i + 1 < s.size()) {
          token += s[++i];
        } else {
          token += c;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == escape && i + 1 < s.size()) {
        token += s[++i];
      } else if (is_space(c)) {
        break;
      } else {
        token += c;
      }
    }
    const size_t eq = token.find('=');
    if (eq == std::string::npos) {
      out.emplace_back(token, "");
      out.back().second = "\x01";  // no value given
    } else {
      out.emplace_back(token.substr(0, eq), token.substr(eq + 1));
    }
  }
  return out;
}

void Parser::build() {
  const std::string path = src_.path();
  Resource file_res;
  file_res.type = "dockerfile";
  file_res.format = "dockerfile";
  file_res.name = path;
  file_res.address = "dockerfile:" + path;
  file_res.file = file_;
  file_res.span = Span{0, 0};
  file_res.attributes = Value::map(file_, Span{0, static_cast<uint32_t>(src_.text().size())});
  file_res.attributes.set("directives", directives_);
  const uint32_t file_id = out_.add(std::move(file_res));

  Vars global;  // ARGs before the first FROM
  Value global_args = Value::map(file_);
  struct StageInfo {
    uint32_t id;
    std::string name;  // lower case
  };
  std::vector<StageInfo> stages;
  Resource* stage = nullptr;
  Vars vars;
  Value instructions;
  auto close_stage = [&] {
    if (!stage) return;
    if (!instructions.items.empty()) stage->span.end = instructions.items.back().span.end;
    stage->attributes.set("instructions", std::move(instructions));
    stage = nullptr;
  };

  for (const auto& ins : instructions_) {
    const std::string& t = ins.line.text;
    if (ins.keyword == "FROM") {
      close_stage();
      Value iv = instruction_value(ins, global);
      const Value* flags = iv.get("flags");
      std::string_view rest = iv.get("value")->text;
      const Span rest_span = iv.get("value")->span;
      // "image [AS name]"
      std::string image_text;
      std::string stage_name;
      Span image_span = rest_span;
      Span name_span{};
      {
        size_t p = 0;
        while (p < rest.size() && !is_space(rest[p])) ++p;
        image_text = std::string(rest.substr(0, p));
        image_span = Span{rest_span.begin, rest_span.begin + static_cast<uint32_t>(p)};
        size_t q = p;
        while (q < rest.size() && is_space(rest[q])) ++q;
        size_t r = q;
        while (r < rest.size() && !is_space(rest[r])) ++r;
        if (upper(rest.substr(q, r - q)) == "AS") {
          size_t s = r;
          while (s < rest.size() && is_space(rest[s])) ++s;
          size_t e = s;
          while (e < rest.size() && !is_space(rest[e])) ++e;
          stage_name = std::string(rest.substr(s, e - s));
          name_span = Span{rest_span.begin + static_cast<uint32_t>(s),
                           rest_span.begin + static_cast<uint32_t>(e)};
        }
      }
      if (image_text.empty()) diag(Severity::Error, ins.line.file_begin, "FROM without an image");
      Resource r;
      r.type = "dockerfile_stage";
      r.format = "dockerfile";
      r.file = file_;
      r.span = Span{ins.line.file_begin, ins.line.file_end};
      const uint32_t index = static_cast<uint32_t>(stages.size());
      r.name = stage_name.empty() ? std::to_string(index) : stage_name;
      r.address = "dockerfile:" + path + "#" + r.name;
      r.attributes = Value::map(file_, r.span);
      r.attributes.set("index", Value::of_number(index, file_, r.span));
      r.attributes.set(
          "name", stage_name.empty() ? Value::null_at(file_, r.span) : str(stage_name, name_span),
          name_span);
      r.attributes.set("from", str(image_text, image_span), image_span);
      // A FROM naming an earlier stage builds on that stage, not on an image.
      const std::string lower_image = ascii_lower(image_text);
      std::optional<uint32_t> parent;
      for (const auto& s : stages) {
        if (!s.name.empty() && s.name == lower_image) parent = s.id;
      }
      if (parent) {
        r.attributes.set("from_stage", str(image_text, image_span), image_span);
        r.attributes.set("image", Value::null_at(file_, image_span), image_span);
      } else {
        r.attributes.set("from_stage", Value::null_at(file_, image_span), image_span);
        r.attributes.set("image", resolved(image_text, image_span, global), image_span);
      }
      if (const Value* platform = flags->get("platform")) r.attributes.set("platform", *platform);
      r.attributes.set("user", Value::null_at(file_, r.span));
      r.attributes.set("healthcheck", Value::null_at(file_, r.span));
      r.attributes.set("env", Value::map(file_, r.span));
      r.attributes.set("args", Value::map(file_, r.span));
      const uint32_t id = out_.add(std::move(r));
      out_.edges.push_back(LocalEdge{file_id, id, "has_stage"});
      if (parent) out_.edges.push_back(LocalEdge{id, *parent, "from_stage"});
      stages.push_back(StageInfo{id, ascii_lower(stage_name)});
      stage = &out_.resources[id];
      instructions = Value::list(file_, r.span);
      instructions.items.push_back(std::move(iv));
      // Global ARGs are visible in a stage only when re-declared; ENV is inherited from a parent
      // stage.
      vars.clear();
      if (parent) {
        for (const auto& e : out_.resources[*parent].attributes.get("env")->entries) {
          vars[e.key] =
              e.value.is_unknown() ? std::nullopt : std::optional<std::string>(e.value.text);
        }
      }
      continue;
    }
    if (!stage) {
      if (ins.keyword == "ARG") {
        for (auto& [k, v] :
             key_values(std::string_view(t).substr(ins.args_begin), false, escape_)) {
          const Span sp = ins.line.span(ins.args_begin, t.size());
          if (v == "\x01") {
            global[k] = std::nullopt;
            global_args.set(k, Value::unknown("ARG " + k, file_, sp), sp);
          } else {
            global[k] = v;
            global_args.set(k, str(v, sp), sp);
          }
        }
      } else {
        diag(Severity::Error, ins.line.file_begin,
             ins.keyword + " before the first FROM (only ARG may come first)");
      }
      continue;
    }
    Value iv = instruction_value(ins, vars);
    const Span value_span = iv.get("value")->span;
    const std::string value_text = iv.get("value")->text;
    if (ins.keyword == "ARG" || ins.keyword == "ENV") {
      const bool is_env = ins.keyword == "ENV";
      Value* target = stage->attributes.get(is_env ? "env" : "args");
      for (auto& [k, v] : key_values(value_text, is_env, escape_)) {
        if (!is_env && v == "\x01") {
          auto g = global.find(k);
          vars[k] = g != global.end() ? g->second : std::nullopt;
          target->set(
              k,
              vars[k] ? str(*vars[k], value_span) : Value::unknown("ARG " + k, file_, value_span),
              value_span);
          continue;
        }
        Value rv = resolved(v, value_span, vars);
        vars[k] = rv.is_unknown() ? std::nullopt : std::optional<std::string>(rv.text);
        target->set(k, std::move(rv), value_span);
      }
    } else if (ins.keyword == "USER") {
      stage->attributes.set("user", resolved(value_text, value_span, vars), value_span);
    } else if (ins.keyword == "HEALTHCHECK") {
      Value hc = Value::map(file_, Span{ins.line.file_begin, ins.line.file_end});
      const bool none = upper(value_text) == "NONE";
      hc.set("disabled", Value::of_bool(none, file_, value_span));
      for (const auto& f : iv.get("flags")->entries) hc.set(f.key, f.value, f.key_span);
      if (!none) {
        std::string_view cmd = value_text;
        if (upper(cmd.substr(0, 3)) == "CMD") cmd.remove_prefix(3);
        while (!cmd.empty() && is_space(cmd.front())) cmd.remove_prefix(1);
        hc.set("test", str(std::string(cmd), value_span));
      }
      stage->attributes.set("healthcheck", std::move(hc));
    } else if (ins.keyword == "COPY" || ins.keyword == "ADD") {
      if (const Value* from = iv.get("flags")->get("from")) {
        const std::string l = ascii_lower(from->text);
        for (const auto& s : stages) {
          if ((!s.name.empty() && s.name == l) || (l == std::to_string(&s - stages.data()))) {
            out_.edges.push_back(LocalEdge{static_cast<uint32_t>(stage - out_.resources.data()),
                                           s.id, "copies_from"});
          }
        }
      }
    }
    instructions.items.push_back(std::move(iv));
  }
  close_stage();
  if (!stages.empty()) {
    Resource& last = out_.resources[stages.back().id];
    last.attributes.set("final", Value::of_bool(true));
  }
  out_.resources[file_id].attributes.set("args", std::move(global_args));
  out_.resources[file_id].attributes.set("stage_count",
                                         Value::of_number(static_cast<double>(stages.size())));
  if (stages.empty() && !instructions_.empty()) {
    diag(Severity::Error, instructions_.front().line.file_begin, "no FROM instruction");
  } else if (instructions_.empty()) {
    diag(Severity::Warning, 0, "no instructions: a Dockerfile needs at least a FROM");
  }

  // The container facet of the final stage: its image, and the healthcheck and user it has,
  // directly or from the stage it builds on.
  if (!stages.empty()) {
    Resource& last = out_.resources[stages.back().id];
    const Value* hc = nullptr;
    const Value* user = nullptr;
    const Value* image = nullptr;
    for (uint32_t id = stages.back().id;;) {
      const Resource& s = out_.resources[id];
      const Value* h = s.attributes.get("healthcheck");
      const Value* u = s.attributes.get("user");
      if (!hc && h && !h->is_null()) hc = h;
      if (!user && u && !u->is_null()) user = u;
      if (!s.attributes.get("from_stage")->is_null()) {
        const std::string parent = ascii_lower(s.attributes.get("from_stage")->text);
        auto it = std::find_if(stages.begin(), stages.end(),
                               [&](const auto& st) { return st.name == parent; });
        if (it == stages.end() || it->id >= id) break;
        id = it->id;
        continue;
      }
      image = s.attributes.get("image");
      break;
    }
    Facet f = container_facet(last.name, "", image, hc, nullptr, user, nullptr);
    last.facets.push_back(std::move(f));
  }
}

void Parser::run() {
  read_directives();
  read_instructions();
  build();
}

}  // namespace

void parse(const SourceFile& source, uint32_t file_index, ParseOutput& out) {
  Parser(source, file_index, out).run();
}

}  // namespace infralint::dockerfile
