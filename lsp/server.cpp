#include "lsp/server.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text.hpp"
#include "lsp/workspace.hpp"
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
      if (!fill()) return std::nullopt;
    }
  }

  // Both threads write: one message at a time.
  void write(const json& j) {
    std::lock_guard lock(write_mu_);
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
  // Blocks until more input; false at its end.
  bool fill() {
    char tmp[65536];
    ssize_t n;
    do {
      n = ::read(in_, tmp, sizeof tmp);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int in_, out_;
  std::string buf_;
  std::mutex write_mu_;
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
  json published;  // the diagnostics last published (push mode)
  int published_version = -1;
};

// The main thread reads messages and keeps the open documents; a worker judges the workspace
// whenever something changed, at once (no debounce timer), and folds every change that arrived
// during a run into the next one. Published results are immutable Judgements.
class Server {
 public:
  Server(Channel& ch, const ServerOptions& o) : ch_(ch) {
    report_opts_.docs_base_url = o.docs_base_url;
  }

  int run() {
    std::thread worker([this] { work(); });
    while (auto body = ch_.read()) {
      handle(*body);
      if (exit_) break;
    }
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    worker.join();
    return shutdown_ ? 0 : 1;
  }

 private:
  void log(const std::string& text, int type = 3) {
    ch_.write({{"jsonrpc", "2.0"},
               {"method", "window/logMessage"},
               {"params", {{"type", type}, {"message", "infralint: " + text}}}});
  }
  void reply(const json& id, json result) {
    ch_.write({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void fail(const json& id, int code, const std::string& message) {
    ch_.write({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  // Wakes the worker for a run (of the folders marked dirty); the caller holds mu_.
  void changed() {
    dirty_ = true;
    wake_.notify_one();
  }

  void handle(const std::string& body) {
    json m = json::parse(body, nullptr, false);
    if (m.is_discarded() || !m.is_object()) {
      // JSON-RPC: a parse error answers with a null id.
      fail(nullptr, -32700, "malformed JSON-RPC message");
      return;
    }
    const json id = m.contains("id") ? m["id"] : json();
    if (m.contains("method") && !m["method"].is_string()) {
      fail(id, -32600, "invalid request: the method is not a string");
      return;
    }
    const std::string method = m.value("method", "");
    const json params = m.contains("params") ? m["params"] : json::object();
    try {
      if (method.empty()) return response(m);  // to one of our requests
      if (method == "initialize") return initialize(id, params);
      if (method == "initialized") return initialized();
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
      if (method == "textDocument/didSave") return did_save(params);
      if (method == "workspace/didChangeWatchedFiles") return watched(params);
      if (method == "workspace/didChangeWorkspaceFolders") return folders_changed(params);
      if (method == "workspace/didChangeConfiguration") {
        std::lock_guard lock(mu_);
        return changed_all();
      }
      if (method == "textDocument/diagnostic") return pull(id, params);
      if (method == "textDocument/hover") return hover(id, params);
      if (method == "textDocument/codeAction") return code_action(id, params);
      if (method == "$/cancelRequest") return cancel(params);
      if (method == "$/setTrace") {
        trace_ = params.value("value", "off") != "off";
        return;
      }
      if (!id.is_null()) fail(id, -32601, "method not found: " + method);
    } catch (const std::exception& e) {
      if (!id.is_null()) fail(id, -32603, std::string("internal error: ") + e.what());
      log(std::string("error while handling ") + method + ": " + e.what(), 1);
    }
  }

  void initialize(const json& id, const json& p) {
    const json caps = p.value("capabilities", json::object());
    auto cap = [&](std::initializer_list<const char*> path) {
      const json* c = &caps;
      for (const char* k : path) {
        if (!c->is_object() || !c->contains(k)) return json();
        c = &(*c)[k];
      }
      return *c;
    };
    // positionEncoding: utf-8 preferred, utf-16 otherwise (DECISIONS.md 3).
    utf16_ = true;
    for (const auto& e : cap({"general", "positionEncodings"})) {
      if (e == "utf-8") utf16_ = false;
    }
    pull_ = !cap({"textDocument", "diagnostic"}).is_null();
    refresh_ = cap({"workspace", "diagnostics", "refreshSupport"}) == true;
    progress_ = cap({"window", "workDoneProgress"}) == true;
    watch_ = cap({"workspace", "didChangeWatchedFiles", "dynamicRegistration"}) == true;
    trace_ = p.value("trace", "off") != "off";
    {
      std::lock_guard lock(mu_);
      if (p.contains("workspaceFolders") && p["workspaceFolders"].is_array() &&
          !p["workspaceFolders"].empty()) {
        for (const auto& f : p["workspaceFolders"]) add_folder(uri_to_path(f.value("uri", "")));
      } else if (p.contains("rootUri") && p["rootUri"].is_string()) {
        add_folder(uri_to_path(p["rootUri"].get<std::string>()));
      } else if (p.contains("rootPath") && p["rootPath"].is_string()) {
        add_folder(uri_to_path(p["rootPath"].get<std::string>()));
      }
    }
    json capabilities = {
        {"positionEncoding", utf16_ ? "utf-16" : "utf-8"},
        {"textDocumentSync",
         {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"hoverProvider", true},
        {"codeActionProvider", {{"codeActionKinds", json::array({"quickfix"})}}},
        {"workspace",
         {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}}};
    if (pull_) {
      capabilities["diagnosticProvider"] = {{"interFileDependencies", true},
                                            {"workspaceDiagnostics", false}};
    }
    reply(id, {{"capabilities", capabilities},
               {"serverInfo", {{"name", "infralint"}, {"version", INFRALINT_GIT_DESCRIBE}}}});
  }

  // The workspace loads in the background at once; the client sees it as work done progress.
  void initialized() {
    if (watch_) {
      json watchers = json::array();
      for (const char* glob :
           {"**/*.{tf,tofu,tfvars,json,yaml,yml}", "**/*{Dockerfile,dockerfile,Containerfile}*",
            "**/{.env,.gitignore,.dockerignore,go.mod,Gemfile,pom.xml,Cargo.toml}"})
        watchers.push_back({{"globPattern", glob}});
      ch_.write({{"jsonrpc", "2.0"},
                 {"id", "watch"},
                 {"method", "client/registerCapability"},
                 {"params",
                  {{"registrations",
                    {{{"id", "infralint-watch"},
                      {"method", "workspace/didChangeWatchedFiles"},
                      {"registerOptions", {{"watchers", watchers}}}}}}}}});
    }
    std::lock_guard lock(mu_);
    if (progress_) {
      ch_.write({{"jsonrpc", "2.0"},
                 {"id", "progress"},
                 {"method", "window/workDoneProgress/create"},
                 {"params", {{"token", kProgressToken}}}});
    }
    initialized_ = true;
    changed();
  }

  // Responses to our requests: the progress token exists once the client says so.
  void response(const json& m) {
    if (m.value("id", json()) != "progress" || m.contains("error")) return;
    std::lock_guard lock(mu_);
    progress({{"kind", "begin"}, {"title", "infralint"}, {"message", "loading the workspace"}});
    progress_begun_ = true;
    if (loaded_) progress_end();
  }
  void progress(json value) {
    ch_.write({{"jsonrpc", "2.0"},
               {"method", "$/progress"},
               {"params", {{"token", kProgressToken}, {"value", std::move(value)}}}});
  }
  void progress_end() {
    size_t files = 0;
    for (const auto& [root, f] : folders_) files += f.judged ? f.judged->graph.files.size() : 0;
    progress({{"kind", "end"}, {"message", std::to_string(files) + " files"}});
    progress_begun_ = false;
  }

  // ---- workspace folders ----

  // The worker alone touches a folder's workspace; the main thread leaves it notes.
  struct Folder {
    std::shared_ptr<Workspace> workspace;
    std::shared_ptr<const Judgement> judged;
    bool dirty = true;
    bool rediscover = false;         // files were created or deleted
    std::vector<std::string> saved;  // saved documents, perhaps new files
  };

  void add_folder(const std::string& root) {
    if (root.empty() || folders_.count(root)) return;
    folders_[root].workspace = std::make_shared<Workspace>(root);
  }
  // The folder a file belongs to: the innermost one holding it.
  Folder* folder_of(const std::string& path) {
    Folder* best = nullptr;
    size_t best_len = 0;
    for (auto& [root, f] : folders_) {
      const bool inside = path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root.back() == '/' || path[root.size()] == '/');
      if (inside && root.size() >= best_len) {
        best = &f;
        best_len = root.size();
      }
    }
    return best;
  }
  // Something the next run must see, in one folder (the caller holds mu_).
  void changed(Folder* f) {
    if (!f) return;
    f->dirty = true;
    changed();
  }
  void changed_path(const std::string& path) { changed(folder_of(path)); }
  void changed_all() {
    for (auto& [root, f] : folders_) changed(&f);
  }

  void folders_changed(const json& p) {
    std::lock_guard lock(mu_);
    const json event = p.value("event", json::object());
    for (const auto& f : event.value("removed", json::array()))
      folders_.erase(uri_to_path(f.value("uri", "")));
    for (const auto& f : event.value("added", json::array()))
      add_folder(uri_to_path(f.value("uri", "")));
    for (const auto& [uri, d] : docs_) {
      if (!folder_of(d.path)) add_folder(fs::path(d.path).parent_path().string());
    }
    changed_all();
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
    std::lock_guard lock(mu_);
    // A file outside every folder: its own folder is its workspace.
    if (!folder_of(d.path)) add_folder(fs::path(d.path).parent_path().string());
    const std::string path = d.path;
    docs_[d.uri] = std::move(d);
    changed_path(path);
  }

  void did_change(const json& p) {
    std::lock_guard lock(mu_);
    Document* d = doc(p);
    if (!d) return;
    d->version = p.at("textDocument").value("version", d->version + 1);
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
    changed_path(d->path);
  }

  void did_close(const json& p) {
    std::lock_guard lock(mu_);
    Document* d = doc(p);
    if (!d) return;
    if (!pull_) {
      ch_.write({{"jsonrpc", "2.0"},
                 {"method", "textDocument/publishDiagnostics"},
                 {"params", {{"uri", d->uri}, {"diagnostics", json::array()}}}});
    }
    const std::string path = d->path;
    docs_.erase(d->uri);
    changed_path(path);
  }

  void did_save(const json& p) {
    std::lock_guard lock(mu_);
    Document* d = doc(p);
    if (!d) return;
    Folder* f = folder_of(d->path);
    if (f) f->saved.push_back(d->path);
    changed(f);
  }

  void watched(const json& p) {
    std::lock_guard lock(mu_);
    for (const auto& c : p.value("changes", json::array())) {
      Folder* f = folder_of(uri_to_path(c.value("uri", "")));
      if (f && c.value("type", 2) != 2) f->rediscover = true;  // created or deleted
      changed(f);
    }
  }

  // ---- the worker ----

  void work() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || (dirty_ && initialized_); });
      if (stop_) return;
      dirty_ = false;
      running_ = true;
      // The folders that changed, with their open buffers as they are now.
      struct Run {
        std::string root;
        std::shared_ptr<Workspace> workspace;
        bool rediscover = false;
        std::vector<std::string> saved;
        std::map<std::string, std::string> overlays;
        std::shared_ptr<const Judgement> judged;
        std::string error;
      };
      std::vector<Run> runs;
      for (auto& [root, f] : folders_) {
        if (!f.dirty) continue;
        f.dirty = false;
        runs.push_back(Run{root,
                           f.workspace,
                           std::exchange(f.rediscover, false),
                           std::exchange(f.saved, {}),
                           {},
                           nullptr,
                           {}});
      }
      std::map<std::string, int> versions;  // of the documents these runs judge
      for (const auto& [uri, d] : docs_) {
        const Folder* f = folder_of(d.path);
        for (auto& r : runs) {
          if (!f || r.workspace != f->workspace) continue;
          r.overlays[d.path] = d.text;
          versions[uri] = d.version;
        }
      }
      lock.unlock();
      // Judgements that get replaced are freed here, after the results are out.
      std::vector<std::shared_ptr<const Judgement>> replaced;
      for (auto& r : runs) {
        try {
          // A saved file the workspace did not know (a new one) makes it look for files again.
          if (r.rediscover || std::any_of(r.saved.begin(), r.saved.end(),
                                          [&](const auto& p) { return !r.workspace->knows(p); })) {
            r.workspace->rediscover();
          }
          r.judged = r.workspace->judge(std::move(r.overlays));
        } catch (const std::exception& e) {
          r.error = e.what();
        }
      }
      lock.lock();
      running_ = false;
      for (auto& r : runs) {
        if (!r.error.empty()) log("judging " + r.root + " failed: " + r.error, 1);
        auto it = folders_.find(r.root);
        if (!r.judged || it == folders_.end() || it->second.workspace != r.workspace) continue;
        replaced.push_back(std::exchange(it->second.judged, r.judged));
        const Judgement& j = *r.judged;
        for (const auto& e : j.config_errors)
          log(e.file + ":" + std::to_string(e.at.line) + ":" + std::to_string(e.at.column) + ": " +
                  e.message,
              2);
        if (trace_) {
          char ms[32];
          std::snprintf(ms, sizeof ms, "%.1f", j.milliseconds);
          log("judged " + r.root + ": " + std::to_string(j.graph.files.size()) + " files (" +
                  std::to_string(j.parsed) + " parsed, " + std::to_string(j.reused) +
                  " reused) in " + ms + " ms",
              4);
        }
      }
      if (!loaded_) {
        loaded_ = true;
        if (progress_begun_) progress_end();
      }
      publish(versions);
      answer_pulls();
      lock.unlock();
      replaced.clear();
      lock.lock();
    }
  }

  // Push mode: every open document this run judged whose diagnostics (or version) changed.
  void publish(const std::map<std::string, int>& versions) {
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
      auto v = versions.find(uri);
      if (v == versions.end() || v->second != d.version) continue;  // the next run has it
      json diags = diagnostics(d);
      if (d.version == d.published_version && diags == d.published) continue;
      d.published = diags;
      d.published_version = d.version;
      ch_.write({{"jsonrpc", "2.0"},
                 {"method", "textDocument/publishDiagnostics"},
                 {"params", {{"uri", d.uri}, {"version", d.version}, {"diagnostics", diags}}}});
    }
  }

  // Pull requests wait for a run that saw every change made before them.
  void answer_pulls() {
    if (dirty_) return;
    for (const auto& [id, uri] : pulls_) {
      auto it = docs_.find(uri);
      json items = it != docs_.end() ? diagnostics(it->second) : json::array();
      reply(id, {{"kind", "full"}, {"items", std::move(items)}});
    }
    pulls_.clear();
  }

  void pull(const json& id, const json& p) {
    std::lock_guard lock(mu_);
    pulls_.emplace_back(id, p.value("textDocument", json::object()).value("uri", ""));
    if (!dirty_ && !running_ && loaded_) answer_pulls();
  }

  void cancel(const json& p) {
    std::lock_guard lock(mu_);
    const json id = p.value("id", json());
    auto it =
        std::find_if(pulls_.begin(), pulls_.end(), [&](const auto& q) { return q.first == id; });
    if (it == pulls_.end()) return;
    fail(id, -32800, "request cancelled");
    pulls_.erase(it);
  }

  // The judgement a document is part of, or null.
  const Judgement* judgement_of(const Document& d) {
    const Folder* f = folder_of(d.path);
    return f ? f->judged.get() : nullptr;
  }

  // The diagnostics of one open document: its findings and its parse diagnostics.
  json diagnostics(const Document& d) {
    json out = json::array();
    const Judgement* jp = judgement_of(d);
    if (!jp) return out;
    const Judgement& j = *jp;
    const Graph& g = j.graph;
    const std::string rel = fs::path(d.path).lexically_relative(g.root).generic_string();
    const uint32_t file = g.file_index(rel);
    const SourceFile* src = file == kNoFile ? nullptr : g.source(file);
    if (!src) return out;
    const Lines lines(src->text());  // the text that was judged
    for (const auto& f : j.results.findings) {
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
    for (const auto& dg : g.diagnostics) {
      if (dg.path != rel || dg.start.line == 0) continue;
      // Diagnostic columns are code points: the loaded source converts them back to bytes.
      const size_t off =
          src->offset_of(dg.start.line - 1, dg.start.column > 0 ? dg.start.column - 1 : 0);
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

  void hover(const json& id, const json& p) {
    std::lock_guard lock(mu_);
    const Document* d = doc(p);
    const Judgement* j = d ? judgement_of(*d) : nullptr;
    if (!j) return reply(id, nullptr);
    const json& pos = p.at("position");
    std::string text;
    for (const auto& diag : diagnostics(*d)) {
      const auto& r = diag["range"];
      const auto key = [](const json& x) {
        return std::make_pair(x["line"].get<long>(), x["character"].get<long>());
      };
      if (key(pos) < key(r["start"]) || key(r["end"]) < key(pos)) continue;
      for (const auto& rule : *j->rules) {
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
    std::lock_guard lock(mu_);
    const Document* d = doc(p);
    json actions = json::array();
    // JSON (Terraform's .tf.json, tfvars.json) has no comments: nothing to insert there.
    const bool json_syntax = d && d->path.ends_with(".json");
    if (d && !json_syntax) {
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

  static constexpr const char* kProgressToken = "infralint/load";

  Channel& ch_;
  ReportOptions report_opts_;  // where rule documentation links point
  // Set by initialize, read by both threads afterwards.
  bool utf16_ = true;
  bool pull_ = false;
  bool refresh_ = false;
  bool progress_ = false;
  bool watch_ = false;
  std::atomic<bool> trace_ = false;
  // The main thread's own.
  bool shutdown_ = false;
  bool exit_ = false;
  // Shared between the main thread and the worker, under mu_.
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Folder> folders_;  // by root
  std::map<std::string, Document> docs_;
  std::vector<std::pair<json, std::string>> pulls_;  // waiting textDocument/diagnostic requests
  bool initialized_ = false;
  bool dirty_ = false;
  bool running_ = false;  // a run is judging what was there when it started
  bool stop_ = false;
  bool loaded_ = false;
  bool progress_begun_ = false;
  unsigned requests_ = 0;
};

}  // namespace

int serve(int in_fd, int out_fd, const ServerOptions& options) {
  Channel ch(in_fd, out_fd);
  return Server(ch, options).run();
}

}  // namespace infralint::lsp
