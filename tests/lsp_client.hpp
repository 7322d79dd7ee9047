// A small Language Server Protocol client for the tests and the latency benchmark: it drives
// `infralint lsp` as editors run it (a subprocess on pipes) or the server in this process (a
// thread on pipes), with Content-Length framing.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "lsp/server.hpp"

namespace infralint::test {

class LspClient {
 public:
  using json = nlohmann::json;

  // `infralint lsp --stdio` as a child process.
  static std::unique_ptr<LspClient> spawn(const std::string& binary) {
    ::signal(SIGPIPE, SIG_IGN);  // a server that died is a failed expectation, not a dead test
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0) return nullptr;
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(to[0], 0);
      dup2(from[1], 1);
      close(to[0]);
      close(to[1]);
      close(from[0]);
      close(from[1]);
      execl(binary.c_str(), binary.c_str(), "lsp", "--stdio", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to[0]);
    close(from[1]);
    auto c = std::unique_ptr<LspClient>(new LspClient(to[1], from[0]));
    c->pid_ = pid;
    return c;
  }

  // The server on a thread of this process.
  static std::unique_ptr<LspClient> in_process(lsp::ServerOptions options = {}) {
    ::signal(SIGPIPE, SIG_IGN);
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0) return nullptr;
    auto c = std::unique_ptr<LspClient>(new LspClient(to[1], from[0]));
    c->server_ = std::thread([=, &c = *c] {
      c.server_exit_ = lsp::serve(to[0], from[1], options);
      close(to[0]);
      close(from[1]);
    });
    return c;
  }

  ~LspClient() {
    if (in_ >= 0) close(in_);  // end of input: the server stops
    if (server_.joinable()) server_.join();
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }
  LspClient(const LspClient&) = delete;
  LspClient& operator=(const LspClient&) = delete;

  pid_t pid() const { return pid_; }

  bool raw(const std::string& body) {
    const std::string msg = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return raw_bytes(msg);
  }
  bool raw_bytes(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = write(in_, bytes.data() + off, bytes.size() - off);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  void send(const json& j) { raw(j.dump()); }
  int request(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", params}});
    return id_;
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // The next message matching `want` (earlier ones are dropped), or nullopt after `timeout`.
  std::optional<json> next(const std::function<bool(const json&)>& want,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t len = std::stoul(buf_.substr(buf_.find(':') + 1, end));
        if (buf_.size() >= end + 4 + len) {
          json j = json::parse(buf_.substr(end + 4, len));
          buf_.erase(0, end + 4 + len);
          if (j.value("method", "") == "window/workDoneProgress/create" && j.contains("id"))
            send({{"jsonrpc", "2.0"}, {"id", j["id"]}, {"result", nullptr}});
          if (want(j)) return j;
          continue;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char tmp[65536];
      const ssize_t n = read(out_, tmp, sizeof tmp);
      if (n <= 0) return std::nullopt;
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }
  std::optional<json> response(int id) {
    return next(
        [&](const json& j) { return j.contains("id") && j["id"] == id && !j.contains("method"); });
  }
  // The next publishDiagnostics for `uri` (of at least `version` when given).
  std::optional<json> published(const std::string& uri, int version = -1) {
    return next([&](const json& j) {
      return j.value("method", "") == "textDocument/publishDiagnostics" &&
             j["params"]["uri"] == uri && j["params"].value("version", -1) >= version;
    });
  }

  // Waits for the server (subprocess or thread) to end; its exit code, or -1.
  int wait_exit() {
    if (server_.joinable()) {
      server_.join();
      return server_exit_;
    }
    int st = 0;
    if (pid_ <= 0 || waitpid(pid_, &st, 0) != pid_) return -1;
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

 private:
  LspClient(int in, int out) : in_(in), out_(out) {}

  int in_ = -1, out_ = -1, id_ = 0;
  pid_t pid_ = -1;
  std::thread server_;
  int server_exit_ = -1;
  std::string buf_;
};

}  // namespace infralint::test
