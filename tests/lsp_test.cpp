// The language server as editors run it: a subprocess speaking JSON-RPC over pipes.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "helpers.hpp"

namespace infralint {
namespace {

using json = nlohmann::json;

class Client {
 public:
  Client() {
    int to[2], from[2];
    EXPECT_EQ(pipe(to), 0);
    EXPECT_EQ(pipe(from), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to[0], 0);
      dup2(from[1], 1);
      close(to[1]);
      close(from[0]);
      execl(INFRALINT_BINARY, INFRALINT_BINARY, "lsp", "--stdio", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to[0]);
    close(from[1]);
    in_ = to[1];
    out_ = from[0];
  }
  ~Client() {
    close(in_);
    close(out_);
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void raw(const std::string& body) {
    const std::string msg = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_EQ(write(in_, msg.data(), msg.size()), static_cast<ssize_t>(msg.size()));
  }
  void send(const json& j) { raw(j.dump()); }
  int request(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", params}});
    return id_;
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  // The next message matching `want`, within 10 s.
  json next(const std::function<bool(const json&)>& want) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      const size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t len = std::stoul(buf_.substr(buf_.find(':') + 1, end));
        if (buf_.size() >= end + 4 + len) {
          json j = json::parse(buf_.substr(end + 4, len));
          buf_.erase(0, end + 4 + len);
          if (want(j)) return j;
          continue;
        }
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char tmp[65536];
      const ssize_t n = read(out_, tmp, sizeof tmp);
      if (n <= 0) break;
      buf_.append(tmp, static_cast<size_t>(n));
    }
    ADD_FAILURE() << "no expected message";
    return json();
  }
  json response(int id) {
    return next(
        [&](const json& j) { return j.contains("id") && j["id"] == id && !j.contains("method"); });
  }
  json diagnostics(const std::string& uri) {
    return next([&](const json& j) {
      return j.value("method", "") == "textDocument/publishDiagnostics" &&
             j["params"]["uri"] == uri;
    })["params"]["diagnostics"];
  }
  int wait_exit() {
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, id_ = 0;
  std::string buf_;
};

std::vector<std::string> codes(const json& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d["code"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LanguageServer, CrossFileDiagnosticsHoverAndQuickFix) {
  test::TempTree t;
  t.write("docker-compose.yml",
          "services:\n  api:\n    build: ./api\n    image: example/api:latest\n");
  t.write("api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\n");
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::string compose = "file://" + root + "/docker-compose.yml";
  const std::string dockerfile = "file://" + root + "/api/Dockerfile";
  Client c;
  const int init =
      c.request("initialize",
                {{"rootUri", "file://" + root},
                 {"capabilities", {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}}}});
  const json r = c.response(init);
  EXPECT_EQ(r["result"]["capabilities"]["positionEncoding"], "utf-8");
  c.notify("initialized", json::object());
  c.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", compose},
              {"languageId", "yaml"},
              {"version", 1},
              {"text", "services:\n  api:\n    build: ./api\n    image: example/api:latest\n"}}}});
  json d = c.diagnostics(compose);
  EXPECT_EQ(codes(d), (std::vector<std::string>{"IL121", "IL201", "IL731"}));
  for (const auto& x : d) {
    if (x["code"] == "IL201") {
      EXPECT_EQ(x["range"]["start"]["line"], 3);
      EXPECT_EQ(x["range"]["start"]["character"], 11);
      EXPECT_EQ(x["severity"], 1);
      EXPECT_EQ(x["source"], "infralint");
    }
  }
  // Another file gains a HEALTHCHECK (in its unsaved buffer): the compose service inherits it.
  c.notify("textDocument/didOpen", {{"textDocument",
                                     {{"uri", dockerfile},
                                      {"languageId", "dockerfile"},
                                      {"version", 1},
                                      {"text", "FROM python:3.12.4-slim\nUSER 10001\n"}}}});
  c.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", dockerfile}, {"version", 2}}},
       {"contentChanges",
        {{{"range",
           {{"start", {{"line", 2}, {"character", 0}}}, {"end", {{"line", 2}, {"character", 0}}}}},
          {"text", "HEALTHCHECK CMD true\n"}}}}});
  d = c.diagnostics(compose);
  EXPECT_EQ(codes(d), (std::vector<std::string>{"IL201", "IL731"}));
  // Hover on the finding, and the quick fix that inserts a suppression to fill in.
  const int h = c.request("textDocument/hover", {{"textDocument", {{"uri", compose}}},
                                                 {"position", {{"line", 3}, {"character", 14}}}});
  EXPECT_NE(c.response(h)["result"]["contents"]["value"].get<std::string>().find("IL201"),
            std::string::npos);
  json il201;
  for (const auto& x : d) {
    if (x["code"] == "IL201") il201 = x;
  }
  const int a = c.request("textDocument/codeAction", {{"textDocument", {{"uri", compose}}},
                                                      {"range", il201["range"]},
                                                      {"context", {{"diagnostics", {il201}}}}});
  const json act = c.response(a)["result"][0];
  EXPECT_EQ(act["edit"]["changes"][compose][0]["newText"],
            "    # infralint:ignore IL201 reason=\"\"\n");
  // Robust: malformed JSON and unknown methods get errors, and the server goes on.
  c.raw("{not json");
  EXPECT_EQ(c.next([](const json& j) { return j.contains("error"); })["error"]["code"], -32700);
  const int u = c.request("textDocument/unknownThing", json::object());
  EXPECT_EQ(c.response(u)["error"]["code"], -32601);
  const int s = c.request("shutdown", nullptr);
  c.response(s);
  c.notify("exit", nullptr);
  EXPECT_EQ(c.wait_exit(), 0);
}

}  // namespace
}  // namespace infralint
