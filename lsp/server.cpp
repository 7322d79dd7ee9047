#include "lsp/server.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config.hpp"
#include "engine/rules/evaluate.hpp"
#include "engine/rules/rule.hpp"
#include "engine/suppress.hpp"
#include "engine/text.hpp"
#include "parsers/loader.hpp"
#include "reporters/report.hpp"

namespace infralint::lsp {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// ---- framing -------------------------------------------------------------------------------

class Channel {
 public:
  Channel(int in, int out) : in_(in), out_(out) {}

  // The next message body, or nullopt at end of input.
  std::optional<std::string> read() {
    while (true) {
      const size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        bool have = false;
        std::istringstream headers(buf_.substr(0, end));
        std::string line;
        while (std::getline(headers, line)) {
          if (ascii_lower(line).rfind("content-length:", 0) == 0) {
            length = std::strtoul(line.c_str() + 15, nullptr, 10);
            have = true;
          }
        }
        if (!have) {  // not a header block we understand: drop it
          buf_.erase(0, end + 4);
          continue;
        }
        if (buf_.size() >= end + 4 + length) {
          std::string body = buf_.substr(end + 4, length);
          buf_.erase(0, end + 4 + length);
          return body;
        }
      }
      if (!fill(-1)) return std::nullopt;
    }
  }

  // True when a message (or part of one) is already waiting: fold it in before judging.
  bool pending() { return buf_.find("\r\n\r\n") != std::string::npos || fill(0); }

  void write(const json& j) {
    const std::string body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    const std::string msg = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    size_t off = 0;
    while (off < msg.size()) {
      const ssize_t n = ::write(out_, msg.data() + off, msg.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

 private:
  bool fill(int timeout_ms) {
    pollfd p{in_, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return false;
    char tmp[65536];
    const ssize_t n = ::read(in_, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int in_, out_;
  std::string buf_;
};

// ---- URIs and positions ----------------------------------------------------------------------

std::string uri_to_path(const std::string& uri) {
  std::string s = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(out, ec);
  return ec ? out : c.string();
}

// Line starts of a text, to convert between byte offsets and (line, character).
struct Lines {
  explicit Lines(const std::string& t) : text(t) {
    starts.push_back(0);
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\n') starts.push_back(i + 1);
    }
  }
  // The bytes of the UTF-8 sequence a lead byte starts.
  static size_t sequence(unsigned char lead) {
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  }
  // Characters are UTF-16 code units, or bytes with utf-8 (DECISIONS.md 3).
  size_t offset(size_t line, size_t character, bool utf16) const {
    if (line >= starts.size()) return text.size();
    size_t i = starts[line];
    const size_t end = line + 1 < starts.size() ? starts[line + 1] : text.size();
    for (size_t units = 0; i < end && units < character;) {
      const size_t len = sequence(static_cast<unsigned char>(text[i]));
      if (text[i] == '\n') break;
      units += utf16 ? (len == 4 ? 2 : 1) : len;
      i += len;
    }
    return std::min(i, end);
  }
  json position(size_t off, bool utf16) const {
    off = std::min(off, text.size());
    const size_t line =
        static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), off) - starts.begin()) -
        1;
    size_t units = 0;
    for (size_t i = starts[line]; i < off;) {
      const size_t len = sequence(static_cast<unsigned char>(text[i]));
      units += utf16 ? (len == 4 ? 2 : 1) : len;
      i += len;
    }
    return {{"line", line}, {"character", units}};
  }
  const std::string& text;
  std::vector<size_t> starts;
};

// ---- the server ------------------------------------------------------------------------------

struct Document {
  std::string uri;
  std::string path;  // canonical absolute path
  std::string text;
  int version = 0;
  json published = json::array();
};

class Server {
 public:
  Server(Channel& ch, const ServerOptions& o) : ch_(ch) {
    report_opts_.docs_base_url = o.docs_base_url;
  }

  int run() {
    while (auto body = ch_.read()) {
      handle(*body);
      if (exit_) break;
      // Judge once the input is drained: changes that arrived meanwhile fold into one run.
      if (dirty_ && initialized_ && !ch_.pending()) judge();
    }
    return shutdown_ ? 0 : 1;
  }

 private:
  void log(const std::string& text) {
    ch_.write({{"jsonrpc", "2.0"},
               {"method", "window/logMessage"},
               {"params", {{"type", 3}, {"message", "infralint: " + text}}}});
  }
  void reply(const json& id, json result) {
    ch_.write({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void fail(const json& id, int code, const std::string& message) {
    ch_.write({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }

  void handle(const std::string& body) {
    json m = json::parse(body, nullptr, false);
    if (m.is_discarded() || !m.is_object()) {
      // JSON-RPC: a parse error answers with a null id.
      fail(nullptr, -32700, "malformed JSON-RPC message");
      return;
    }
    const std::string method = m.value("method", "");
    const json id = m.contains("id") ? m["id"] : json();
    const json params = m.value("params", json::object());
    try {
      if (method.empty()) return;  // a response to one of our requests
      if (method == "initialize") return initialize(id, params);
      if (method == "initialized") {
        initialized_ = true;
        dirty_ = true;
        return;
      }
      if (method == "shutdown") {
        shutdown_ = true;
        return reply(id, nullptr);
      }
      if (method == "exit") {
        exit_ = true;
        return;
      }
      if (shutdown_ && !id.is_null()) return fail(id, -32600, "the server is shutting down");
      if (method == "textDocument/didOpen") return did_open(params);
      if (method == "textDocument/didChange") return did_change(params);
      if (method == "textDocument/didClose") return did_close(params);
      if (method == "textDocument/didSave" || method == "workspace/didChangeWatchedFiles" ||
          method == "workspace/didChangeConfiguration") {
        dirty_ = true;
        return;
      }
      if (method == "textDocument/diagnostic") return pull(id, params);
      if (method == "textDocument/hover") return hover(id, params);
      if (method == "textDocument/codeAction") return code_action(id, params);
      if (method == "$/cancelRequest" || method == "$/setTrace") return;
      if (!id.is_null()) fail(id, -32601, "method not found: " + method);
    } catch (const std::exception& e) {
      if (!id.is_null()) fail(id, -32603, std::string("internal error: ") + e.what());
      log(std::string("error while handling ") + method + ": " + e.what());
    }
  }

  void initialize(const json& id, const json& p) {
    const json caps = p.value("capabilities", json::object());
    // positionEncoding: utf-8 preferred, utf-16 otherwise (DECISIONS.md 3).
    utf16_ = true;
    if (caps.contains("general") && caps["general"].contains("positionEncodings")) {
      for (const auto& e : caps["general"]["positionEncodings"]) {
        if (e == "utf-8") utf16_ = false;
      }
    }
    pull_ = caps.contains("textDocument") && caps["textDocument"].contains("diagnostic");
    refresh_ = caps.contains("workspace") && caps["workspace"].contains("diagnostics") &&
               caps["workspace"]["diagnostics"].value("refreshSupport", false);
    if (p.contains("workspaceFolders") && p["workspaceFolders"].is_array() &&
        !p["workspaceFolders"].empty()) {
      root_ = uri_to_path(p["workspaceFolders"][0].value("uri", ""));
    } else if (p.contains("rootUri") && p["rootUri"].is_string()) {
      root_ = uri_to_path(p["rootUri"].get<std::string>());
    } else if (p.contains("rootPath") && p["rootPath"].is_string()) {
      root_ = uri_to_path(p["rootPath"].get<std::string>());
    }
    json capabilities = {{"positionEncoding", utf16_ ? "utf-16" : "utf-8"},
                         {"textDocumentSync",
                          {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
                         {"hoverProvider", true},
                         {"codeActionProvider", {{"codeActionKinds", json::array({"quickfix"})}}},
                         {"workspace", {{"workspaceFolders", {{"supported", true}}}}}};
    if (pull_) {
      capabilities["diagnosticProvider"] = {{"interFileDependencies", true},
                                            {"workspaceDiagnostics", false}};
    }
    reply(id, {{"capabilities", capabilities},
               {"serverInfo", {{"name", "infralint"}, {"version", INFRALINT_GIT_DESCRIBE}}}});
  }

  Document* doc(const json& p) {
    const std::string uri = p.value("textDocument", json::object()).value("uri", "");
    auto it = docs_.find(uri);
    return it == docs_.end() ? nullptr : &it->second;
  }

  void did_open(const json& p) {
    const json td = p.at("textDocument");
    Document d;
    d.uri = td.at("uri").get<std::string>();
    d.path = uri_to_path(d.uri);
    d.text = td.value("text", "");
    d.version = td.value("version", 0);
    if (root_.empty()) root_ = fs::path(d.path).parent_path().string();
    docs_[d.uri] = std::move(d);
    dirty_ = true;
  }

  void did_change(const json& p) {
    Document* d = doc(p);
    if (!d) return;
    d->version = p.at("textDocument").value("version", d->version);
    for (const auto& c : p.value("contentChanges", json::array())) {
      if (!c.contains("range")) {
        d->text = c.value("text", "");
        continue;
      }
      const Lines lines(d->text);
      const auto& r = c["range"];
      const size_t a = lines.offset(r["start"]["line"], r["start"]["character"], utf16_);
      const size_t b = lines.offset(r["end"]["line"], r["end"]["character"], utf16_);
      d->text.replace(a, b >= a ? b - a : 0, c.value("text", ""));
    }
    dirty_ = true;
  }

  void did_close(const json& p) {
    Document* d = doc(p);
    if (!d) return;
    if (!pull_) {
      ch_.write({{"jsonrpc", "2.0"},
                 {"method", "textDocument/publishDiagnostics"},
                 {"params", {{"uri", d->uri}, {"diagnostics", json::array()}}}});
    }
    docs_.erase(d->uri);
    dirty_ = true;
  }

  // The workspace, with open buffers over the files on disk, judged by every rule.
  void judge() {
    dirty_ = false;
    if (root_.empty()) return;
    Config config;
    const std::string config_path = find_config(root_);
    if (!config_path.empty()) {
      std::vector<ConfigError> errors;
      if (auto c = load_config(config_path, errors)) config = std::move(*c);
      for (const auto& e : errors)
        log(e.file + ":" + std::to_string(e.at.line) + ":" + std::to_string(e.at.column) + ": " +
            e.message);
    }
    LoadOptions lo;
    lo.discover.paths = {root_};
    lo.discover.excludes = config.exclude;
    for (const auto& [uri, d] : docs_) lo.overlays[d.path] = d.text;
    LoadResult loaded = load(lo);
    graph_ = std::move(loaded.graph);
    graph_.environment_paths = config.environments;
    rules_ = configured_builtins(config, graph_);
    std::vector<const rules::Rule*> run;
    for (const auto& r : rules_) {
      if (rule_selected(r, config.select, config.enable, config.disable)) run.push_back(&r);
    }
    results_ = rules::evaluate(graph_, run, 0);
    const SuppressOptions so = suppress_options(config);
    apply_suppressions(graph_, results_.findings, run, so);
    if (pull_) {
      // A pulling client asks again when told that diagnostics changed.
      if (refresh_) {
        ch_.write({{"jsonrpc", "2.0"},
                   {"id", "refresh-" + std::to_string(++requests_)},
                   {"method", "workspace/diagnostic/refresh"}});
      }
      return;
    }
    for (auto& [uri, d] : docs_) {
      json diags = diagnostics(d);
      if (diags == d.published) continue;
      d.published = diags;
      ch_.write({{"jsonrpc", "2.0"},
                 {"method", "textDocument/publishDiagnostics"},
                 {"params", {{"uri", d.uri}, {"version", d.version}, {"diagnostics", diags}}}});
    }
  }

  // The diagnostics of one open document: its findings and its parse diagnostics.
  json diagnostics(const Document& d) const {
    json out = json::array();
    const std::string rel = fs::path(d.path).lexically_relative(graph_.root).generic_string();
    const uint32_t file = graph_.file_index(rel);
    if (file == kNoFile) return out;
    const Lines lines(d.text);
    for (const auto& f : results_.findings) {
      if (f.file != file || f.suppressed()) continue;
      const rules::Rule& r = *f.rule;
      const int severity = r.severity <= rules::RuleSeverity::High     ? 1
                           : r.severity == rules::RuleSeverity::Medium ? 2
                                                                       : 3;
      out.push_back(
          {{"range",
            {{"start", lines.position(f.span.begin, utf16_)},
             {"end", lines.position(std::max(f.span.end, f.span.begin), utf16_)}}},
           {"severity", severity},
           {"code", r.id},
           {"codeDescription", {{"href", rule_help_uri(report_opts_, r)}}},
           {"source", "infralint"},
           {"message", "[" + std::string(rules::severity_name(r.severity)) + "] " + f.message}});
    }
    for (const auto& dg : graph_.diagnostics) {
      if (dg.path != rel || dg.start.line == 0) continue;
      // Diagnostic columns are code points: the loaded source converts them back to bytes.
      const SourceFile* src = graph_.source(file);
      const size_t off =
          src ? src->offset_of(dg.start.line - 1, dg.start.column > 0 ? dg.start.column - 1 : 0)
              : 0;
      const json at = lines.position(off, utf16_);
      out.push_back({{"range", {{"start", at}, {"end", at}}},
                     {"severity", dg.severity == Severity::Error     ? 1
                                  : dg.severity == Severity::Warning ? 2
                                                                     : 3},
                     {"code", "parse"},
                     {"source", "infralint"},
                     {"message", dg.message}});
    }
    return out;
  }

  void pull(const json& id, const json& p) {
    if (dirty_) judge();
    const Document* d = doc(p);
    reply(id, {{"kind", "full"}, {"items", d ? diagnostics(*d) : json::array()}});
  }

  void hover(const json& id, const json& p) {
    if (dirty_) judge();
    const Document* d = doc(p);
    if (!d) return reply(id, nullptr);
    const json& pos = p.at("position");
    std::string text;
    for (const auto& diag : diagnostics(*d)) {
      const auto& r = diag["range"];
      const auto key = [](const json& x) {
        return std::make_pair(x["line"].get<long>(), x["character"].get<long>());
      };
      if (key(pos) < key(r["start"]) || key(r["end"]) < key(pos)) continue;
      for (const auto& rule : rules_) {
        if (rule.id != diag["code"]) continue;
        text += (text.empty() ? "" : "\n\n---\n\n") + std::string("**") + rule.id + " " +
                rule.name + "** (" + std::string(rules::severity_name(rule.severity)) +
                ", review section " + rule.section + ")\n\n" + rule.description +
                "\n\n**How to fix:** " + rule.remediation;
      }
    }
    if (text.empty()) return reply(id, nullptr);
    reply(id, {{"contents", {{"kind", "markdown"}, {"value", text}}}});
  }

  // A quick fix per finding: an inline suppression above the line, with an empty reason to fill
  // in (until it is, it suppresses nothing: DECISIONS.md 19).
  void code_action(const json& id, const json& p) {
    const Document* d = doc(p);
    json actions = json::array();
    if (d) {
      const Lines lines(d->text);
      for (const auto& diag :
           p.value("context", json::object()).value("diagnostics", json::array())) {
        const std::string code = diag.value("code", "");
        if (code.rfind("IL", 0) != 0 && code.find('_') == std::string::npos) continue;
        const size_t line = diag["range"]["start"]["line"].get<size_t>();
        const size_t start = line < lines.starts.size() ? lines.starts[line] : d->text.size();
        size_t indent = start;
        while (indent < d->text.size() && (d->text[indent] == ' ' || d->text[indent] == '\t'))
          ++indent;
        const std::string comment =
            d->text.substr(start, indent - start) + "# infralint:ignore " + code + " reason=\"\"\n";
        json edit = {{"range",
                      {{"start", {{"line", line}, {"character", 0}}},
                       {"end", {{"line", line}, {"character", 0}}}}},
                     {"newText", comment}};
        actions.push_back({{"title", "Suppress " + code + " here (give a reason)"},
                           {"kind", "quickfix"},
                           {"diagnostics", json::array({diag})},
                           {"edit", {{"changes", {{d->uri, json::array({edit})}}}}}});
      }
    }
    reply(id, actions);
  }

  Channel& ch_;
  ReportOptions report_opts_;  // where rule documentation links point
  std::map<std::string, Document> docs_;
  std::string root_;
  bool utf16_ = true;
  bool pull_ = false;
  bool refresh_ = false;
  bool initialized_ = false;
  bool dirty_ = false;
  bool shutdown_ = false;
  bool exit_ = false;
  unsigned requests_ = 0;
  Graph graph_;
  std::vector<rules::Rule> rules_;
  rules::Results results_;
};

}  // namespace

int serve(int in_fd, int out_fd, const ServerOptions& options) {
  Channel ch(in_fd, out_fd);
  return Server(ch, options).run();
}

}  // namespace infralint::lsp
