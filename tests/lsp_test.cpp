// The language server as editors run it (a subprocess speaking JSON-RPC over pipes) and in
// this process (the protocol's corners), and its workspace model: incremental runs must give
// what a fresh load gives.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include "helpers.hpp"
#include "lsp/workspace.hpp"
#include "lsp_client.hpp"

namespace infralint {
namespace {

using json = nlohmann::json;

json got(const std::optional<json>& j) {
  if (!j) {
    ADD_FAILURE() << "the server did not send the expected message";
    return json::object();
  }
  return *j;
}

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
  auto client = test::LspClient::spawn(INFRALINT_BINARY);
  ASSERT_TRUE(client);
  auto& c = *client;
  const int init =
      c.request("initialize",
                {{"rootUri", "file://" + root},
                 {"capabilities", {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}}}});
  const json r = got(c.response(init));
  EXPECT_EQ(r["result"]["capabilities"]["positionEncoding"], "utf-8");
  c.notify("initialized", json::object());
  c.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", compose},
              {"languageId", "yaml"},
              {"version", 1},
              {"text", "services:\n  api:\n    build: ./api\n    image: example/api:latest\n"}}}});
  json d = got(c.published(compose))["params"]["diagnostics"];
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
  d = got(c.published(compose))["params"]["diagnostics"];
  EXPECT_EQ(codes(d), (std::vector<std::string>{"IL201", "IL731"}));
  // Hover on the finding, and the quick fix that inserts a suppression to fill in.
  const int h = c.request("textDocument/hover", {{"textDocument", {{"uri", compose}}},
                                                 {"position", {{"line", 3}, {"character", 14}}}});
  EXPECT_NE(got(c.response(h))["result"]["contents"]["value"].get<std::string>().find("IL201"),
            std::string::npos);
  json il201;
  for (const auto& x : d) {
    if (x["code"] == "IL201") il201 = x;
  }
  const int a = c.request("textDocument/codeAction", {{"textDocument", {{"uri", compose}}},
                                                      {"range", il201["range"]},
                                                      {"context", {{"diagnostics", {il201}}}}});
  const json act = got(c.response(a))["result"][0];
  EXPECT_EQ(act["edit"]["changes"][compose][0]["newText"],
            "    # infralint:ignore IL201 reason=\"\"\n");
  // Robust: malformed JSON and unknown methods get errors, and the server goes on.
  c.raw("{not json");
  EXPECT_EQ(got(c.next([](const json& j) { return j.contains("error"); }))["error"]["code"],
            -32700);
  const int u = c.request("textDocument/unknownThing", json::object());
  EXPECT_EQ(got(c.response(u))["error"]["code"], -32601);
  const int s = c.request("shutdown", nullptr);
  c.response(s);
  c.notify("exit", nullptr);
  EXPECT_EQ(c.wait_exit(), 0);
}

json open_params(const std::string& uri, const std::string& text, int version = 1) {
  return {{"textDocument",
           {{"uri", uri}, {"languageId", "yaml"}, {"version", version}, {"text", text}}}};
}

json range(int line, int start, int end) {
  return {{"start", {{"line", line}, {"character", start}}},
          {"end", {{"line", line}, {"character", end}}}};
}

const json* find_code(const json& diags, const std::string& code) {
  for (const auto& d : diags) {
    if (d["code"] == code) return &d;
  }
  return nullptr;
}

// A Pod whose image line holds a two-byte and a four-byte character before the image.
constexpr const char* kPod =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
    "    - {name: \"\xC3\xA9\xF0\x9F\x98\x80\", image: \"nginx:latest\"}\n";

TEST(LanguageServer, InProcessUtf16ProgressIncrementalEditsAndErrors) {
  test::TempTree t;
  t.write("k8s/app.yaml", kPod);
  t.write("api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\n");
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::string uri = "file://" + root + "/k8s/app.yaml";
  auto client = test::LspClient::in_process();
  ASSERT_TRUE(client);
  auto& c = *client;
  const int init = c.request("initialize", {{"rootUri", "file://" + root},
                                            {"capabilities",
                                             {{"general", {{"positionEncodings", {"utf-16"}}}},
                                              {"window", {{"workDoneProgress", true}}}}}});
  EXPECT_EQ(got(c.response(init))["result"]["capabilities"]["positionEncoding"], "utf-16");
  c.notify("initialized", json::object());
  // The first load reports progress: created, begun, ended (the client answers the creation).
  const json end = got(c.next([](const json& j) {
    return j.value("method", "") == "$/progress" && j["params"]["value"]["kind"] == "end";
  }));
  EXPECT_EQ(end["params"]["token"], "infralint/load");

  c.notify("textDocument/didOpen", open_params(uri, kPod));
  json d = got(c.published(uri, 1))["params"]["diagnostics"];
  const json* il201 = find_code(d, "IL201");
  ASSERT_TRUE(il201);
  // 4 spaces, "- {name: \"" (10), é (1 unit), the emoji (2 units), "\", image: " (10): 27.
  EXPECT_EQ((*il201)["range"]["start"], json({{"line", 6}, {"character", 27}}));

  // Incremental edits in UTF-16 units after the emoji: "latest" (34..40) becomes a version.
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", 2}}},
            {"contentChanges", {{{"range", range(6, 34, 40)}, {"text", "1.27"}}}}});
  d = got(c.published(uri, 2))["params"]["diagnostics"];
  EXPECT_FALSE(find_code(d, "IL201"));
  EXPECT_TRUE(find_code(d, "IL512"));
  // Two changes in one notification apply in order: back to "latest", then a second edit. With
  // tracing on, the run says what it did: one file parsed again, the other reused.
  c.notify("$/setTrace", {{"value", "verbose"}});
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 3}}},
                                      {"contentChanges",
                                       {{{"range", range(6, 34, 38)}, {"text", "latest"}},
                                        {{"range", range(3, 8, 11)}, {"text", "api"}}}}});
  const json trace = got(c.next([](const json& j) {
    return j.value("method", "") == "window/logMessage" && j["params"]["type"] == 4;
  }));
  EXPECT_NE(trace["params"]["message"].get<std::string>().find(": 2 files (1 parsed, 1 reused)"),
            std::string::npos)
      << trace.dump();
  d = got(c.published(uri, 3))["params"]["diagnostics"];
  ASSERT_TRUE(find_code(d, "IL201"));
  EXPECT_NE(find_code(d, "IL908")->at("message").get<std::string>().find("Pod/default/api"),
            std::string::npos);

  // Broken input: a bad body, a bad notification, an unknown method; the server goes on.
  c.raw("{x}");
  EXPECT_EQ(got(c.next([](const json& j) { return j.contains("error"); }))["error"]["code"],
            -32700);
  c.send({{"jsonrpc", "2.0"}, {"id", 99}, {"method", 5}});
  EXPECT_EQ(got(c.response(99))["error"]["code"], -32600);
  const int bad = c.request("textDocument/hover", json::array({1, 2}));
  EXPECT_EQ(got(c.response(bad))["error"]["code"], -32603);
  c.notify("textDocument/didOpen", {{"textDocument", 5}});
  const json logged =
      got(c.next([](const json& j) { return j.value("method", "") == "window/logMessage"; }));
  EXPECT_EQ(logged["params"]["type"], 1);
  const int u = c.request("workspace/nothingHere", json::object());
  EXPECT_EQ(got(c.response(u))["error"]["code"], -32601);
  const int h = c.request("textDocument/hover", {{"textDocument", {{"uri", uri}}},
                                                 {"position", {{"line", 6}, {"character", 30}}}});
  EXPECT_NE(got(c.response(h))["result"]["contents"]["value"].get<std::string>().find("IL201"),
            std::string::npos);

  // The quick fix inserts a comment; JSON syntax has none, so a .tf.json file gets no fix.
  const std::string tf_json = "file://" + root + "/main.tf.json";
  c.notify("textDocument/didOpen", open_params(tf_json, "{\"resource\": {}}\n"));
  const json fake = {{"range", range(0, 0, 1)}, {"code", "IL201"}, {"message", "x"}};
  const int fix_json =
      c.request("textDocument/codeAction", {{"textDocument", {{"uri", tf_json}}},
                                            {"range", range(0, 0, 1)},
                                            {"context", {{"diagnostics", {fake}}}}});
  EXPECT_TRUE(got(c.response(fix_json))["result"].empty());
  const int fix_yaml =
      c.request("textDocument/codeAction", {{"textDocument", {{"uri", uri}}},
                                            {"range", range(0, 0, 1)},
                                            {"context", {{"diagnostics", {fake}}}}});
  EXPECT_EQ(got(c.response(fix_yaml))["result"].size(), 1u);
  c.notify("textDocument/didClose", {{"textDocument", {{"uri", tf_json}}}});

  // Typing faster than the server judges: "latest" is replaced by "1.27.3" one keystroke at a
  // time, 12 notifications sent at once; the changes fold, the last version is judged as typed.
  int version = 3;
  auto type = [&](int from, int to, const std::string& text) {
    c.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", ++version}}},
              {"contentChanges", {{{"range", range(6, from, to)}, {"text", text}}}}});
  };
  for (int k = 0; k < 6; ++k) type(39 - k, 40 - k, "");  // delete "latest" from its end
  const std::string typed = "1.27.3";
  for (int k = 0; k < 6; ++k) type(34 + k, 34 + k, typed.substr(static_cast<size_t>(k), 1));
  d = got(c.published(uri, version))["params"]["diagnostics"];
  EXPECT_FALSE(find_code(d, "IL201"));
  EXPECT_TRUE(find_code(d, "IL512"));

  // After shutdown, requests are refused; exit ends the server with 0.
  const int s = c.request("shutdown", nullptr);
  got(c.response(s));
  const int late = c.request("textDocument/hover", json::object());
  EXPECT_EQ(got(c.response(late))["error"]["code"], -32600);
  c.notify("exit", nullptr);
  EXPECT_EQ(c.wait_exit(), 0);
}

TEST(LanguageServer, PullDiagnosticsAndCancellation) {
  test::TempTree t;
  t.write("k8s/app.yaml", kPod);
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::string uri = "file://" + root + "/k8s/app.yaml";
  auto client = test::LspClient::in_process();
  ASSERT_TRUE(client);
  auto& c = *client;
  const int init =
      c.request("initialize", {{"rootUri", "file://" + root},
                               {"capabilities",
                                {{"general", {{"positionEncodings", {"utf-8"}}}},
                                 {"textDocument", {{"diagnostic", json::object()}}}}}});
  const json caps = got(c.response(init))["result"]["capabilities"];
  EXPECT_TRUE(caps["diagnosticProvider"]["interFileDependencies"].get<bool>());
  c.notify("initialized", json::object());
  c.notify("textDocument/didOpen", open_params(uri, kPod));
  const int p = c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
  const json r = got(c.response(p))["result"];
  EXPECT_EQ(r["kind"], "full");
  const json* il201 = find_code(r["items"], "IL201");
  ASSERT_TRUE(il201);
  // utf-8: bytes. é is 2 and the emoji 4: 4 + 10 + 2 + 4 + 10 = 30.
  EXPECT_EQ((*il201)["range"]["start"]["character"], 30);
  // A pull cancelled while waiting for its run: answered once, with its result or -32800.
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", 2}}},
            {"contentChanges", {{{"range", range(6, 37, 43)}, {"text", "1.27"}}}}});
  const int q = c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
  c.notify("$/cancelRequest", {{"id", q}});
  const json answer = got(c.response(q));
  if (answer.contains("error")) {
    EXPECT_EQ(answer["error"]["code"], -32800);
  } else {
    EXPECT_FALSE(find_code(answer["result"]["items"], "IL201"));
  }
  // The next pull sees the change.
  const int n = c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
  EXPECT_FALSE(find_code(got(c.response(n))["result"]["items"], "IL201"));
}

// Each workspace folder is a workspace of its own: findings and cross-file facts stay inside it,
// and folders come and go.
TEST(LanguageServer, WorkspaceFolders) {
  test::TempTree t;
  const std::string compose = "services:\n  api:\n    build: ./api\n    image: example/api:1.2.3\n";
  t.write("a/docker-compose.yml", compose);
  t.write("a/api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\nHEALTHCHECK CMD true\n");
  t.write("b/docker-compose.yml", compose);
  t.write("b/api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\n");
  t.write("b/README.md", "# not infrastructure\n");
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::string a = "file://" + root + "/a/docker-compose.yml";
  const std::string b = "file://" + root + "/b/docker-compose.yml";
  const std::string readme = "file://" + root + "/b/README.md";
  auto client = test::LspClient::in_process();
  ASSERT_TRUE(client);
  auto& c = *client;
  const int init = c.request("initialize", {{"workspaceFolders",
                                             {{{"uri", "file://" + root + "/a"}, {"name", "a"}},
                                              {{"uri", "file://" + root + "/b"}, {"name", "b"}}}},
                                            {"capabilities", json::object()}});
  EXPECT_TRUE(got(c.response(
      init))["result"]["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"]
                  .get<bool>());
  c.notify("initialized", json::object());
  c.notify("textDocument/didOpen", open_params(a, compose));
  c.notify("textDocument/didOpen", open_params(b, compose));
  c.notify("textDocument/didOpen", open_params(readme, "# not infrastructure\n"));
  std::map<std::string, json> first;  // the three publications, in whatever order they come
  while (first.size() < 3) {
    const json m = got(c.next(
        [](const json& j) { return j.value("method", "") == "textDocument/publishDiagnostics"; }));
    if (m.empty()) break;
    first[m["params"]["uri"]] = m["params"]["diagnostics"];
  }
  // a's service inherits its Dockerfile's HEALTHCHECK; b's Dockerfile has none (IL121).
  EXPECT_FALSE(find_code(first[a], "IL121"));
  EXPECT_TRUE(find_code(first[b], "IL121"));
  // A format infralint does not read gets no diagnostics.
  EXPECT_TRUE(first.count(readme) && first[readme].empty());
  // Folder a goes: its document is judged in a workspace of its own folder, with the same facts.
  c.notify("workspace/didChangeWorkspaceFolders",
           {{"event",
             {{"added", json::array()},
              {"removed", {{{"uri", "file://" + root + "/a"}, {"name", "a"}}}}}}});
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", a}, {"version", 2}}},
            {"contentChanges", {{{"range", range(3, 23, 28)}, {"text", "latest"}}}}});
  const json d = got(c.published(a, 2))["params"]["diagnostics"];
  EXPECT_TRUE(find_code(d, "IL201"));
  EXPECT_FALSE(find_code(d, "IL121"));
}

// Files that appear: a new document once saved, and a file created outside the editor that the
// client reports through the file watcher.
TEST(LanguageServer, NewFilesJoinTheWorkspace) {
  test::TempTree t;
  const std::string compose = "services:\n  api:\n    build: ./api\n    image: example/api:1.2.3\n";
  t.write("docker-compose.yml", compose);
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::string uri = "file://" + root + "/docker-compose.yml";
  const std::string pod = "file://" + root + "/k8s/pod.yaml";
  auto client = test::LspClient::in_process();
  ASSERT_TRUE(client);
  auto& c = *client;
  got(c.response(c.request(
      "initialize",
      {{"rootUri", "file://" + root},
       {"capabilities",
        {{"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}}}}})));
  c.notify("initialized", json::object());
  // The client is asked to watch files.
  const json reg = got(
      c.next([](const json& j) { return j.value("method", "") == "client/registerCapability"; }));
  EXPECT_EQ(reg["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
  c.notify("textDocument/didOpen", open_params(uri, compose));
  // The Dockerfile it builds is not there: whether it has a HEALTHCHECK is unknown.
  EXPECT_FALSE(find_code(got(c.published(uri, 1))["params"]["diagnostics"], "IL121"));
  // A new document is not part of the workspace until it is saved.
  c.notify("textDocument/didOpen", open_params(pod, kPod));
  EXPECT_TRUE(got(c.published(pod, 1))["params"]["diagnostics"].empty());
  t.write("k8s/pod.yaml", kPod);
  c.notify("textDocument/didSave", {{"textDocument", {{"uri", pod}}}});
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", pod}, {"version", 2}}},
            {"contentChanges", {{{"range", range(3, 8, 11)}, {"text", "api"}}}}});
  EXPECT_TRUE(find_code(got(c.published(pod, 2))["params"]["diagnostics"], "IL201"));
  // A Dockerfile without HEALTHCHECK created outside the editor: the service now lacks one.
  t.write("api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\n");
  c.notify("workspace/didChangeWatchedFiles",
           {{"changes", {{{"uri", "file://" + root + "/api/Dockerfile"}, {"type", 1}}}}});
  EXPECT_TRUE(find_code(got(c.published(uri, 1))["params"]["diagnostics"], "IL121"));
}

// The configuration's rule folders apply in the editor too, and an edited rule file counts at the
// next run; a broken one is reported with its position.
TEST(LanguageServerWorkspace, RuleFoldersOfTheConfiguration) {
  test::TempTree t;
  t.write(".infralint.yaml", "rules:\n  folders: [policies]\n");
  const std::string rule =
      "metadata: {id: ACME1, name: services have an owner label, severity: low}\n"
      "definition:\n  cond_type: attribute\n  resource_types: [compose_service]\n"
      "  attribute: labels.owner\n  operator: exists\n";
  t.write("policies/owner.yaml", rule);
  const std::string compose = "services:\n  api:\n    image: example/api:1.2.3\n";
  t.write("docker-compose.yml", compose);
  const std::string root = std::filesystem::canonical(t.root()).string();
  const std::map<std::string, std::string> open = {{root + "/docker-compose.yml", compose}};
  lsp::Workspace ws(root);
  auto ids = [](const lsp::Judgement& j) {
    std::set<std::string> out;
    for (const auto& f : j.results.findings) out.insert(f.rule->id);
    return out;
  };
  EXPECT_TRUE(ids(*ws.judge(open)).count("ACME1"));
  // The rule now asks for what the service has (an image): the next run sees the new file.
  t.write("policies/owner.yaml", std::string(rule).replace(rule.find("labels.owner"), 12, "image"));
  auto j = ws.judge(open);
  EXPECT_FALSE(ids(*j).count("ACME1"));
  EXPECT_TRUE(j->config_errors.empty());
  // ... and a broken rule is an error with its line.
  t.write("policies/owner.yaml", std::string(rule).replace(rule.find("exists"), 6, "nope!!"));
  j = ws.judge(open);
  ASSERT_FALSE(j->config_errors.empty());  // as the scan says: line 6, the operator
  EXPECT_EQ(j->config_errors[0].at.line, 6u);
  EXPECT_NE(j->config_errors[0].file.find("owner.yaml"), std::string::npos);
}

// What one judgement says about the open files, comparable across runs.
std::vector<std::string> summary(const lsp::Judgement& j) {
  std::vector<std::string> out;
  for (const auto& f : j.results.findings) {
    out.push_back(j.graph.files[f.file].path + ":" + std::to_string(f.span.begin) + ":" +
                  std::to_string(f.span.end) + " " + f.rule->id + " " + f.message +
                  (f.suppressed() ? " (suppressed)" : ""));
  }
  for (const auto& r : j.graph.resources) {
    out.push_back(r.address + " " + std::to_string(r.span.begin) + " " +
                  to_plain_json(r.attributes).dump());
  }
  for (const auto& d : j.graph.diagnostics) {
    out.push_back(d.path + ":" + std::to_string(d.start.line) + ":" +
                  std::to_string(d.start.column) + " " + d.message);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Edits in buffers and on disk, judged by a workspace that keeps its caches, give exactly what a
// fresh workspace gives: incremental Terraform reparses, reused parses, cached root modules.
TEST(LanguageServerWorkspace, IncrementalRunsMatchFreshLoads) {
  test::TempTree t;
  const std::string tf =
      "variable \"env\" {\n  default = \"production\"\n}\n"
      "resource \"aws_security_group\" \"web\" {\n  name = \"web-${var.env}\"\n"
      "  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n"
      "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n"
      "module \"store\" {\n  source = \"./modules/store\"\n  name   = \"data\"\n}\n";
  t.write("infra/main.tf", tf);
  t.write("infra/modules/store/main.tf",
          "variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n");
  const std::string compose =
      "services:\n  api:\n    build: ./api\n    image: example/api:1.2.3\n"
      "  worker:\n    extends:\n      file: svc/compose.yaml\n      service: svc\n";
  t.write("docker-compose.yml", compose);
  t.write("api/Dockerfile", "FROM python:3.12.4-slim\nUSER 10001\n");
  // A project never opened: only its .env changes.
  t.write("svc/compose.yaml", "services:\n  svc:\n    image: example/svc:${TAG}\n");
  t.write("svc/.env", "TAG=1.0.0\n");
  t.write("k8s/app.yaml", kPod);
  const std::string root = std::filesystem::canonical(t.root()).string();
  std::map<std::string, std::string> open = {{root + "/infra/main.tf", tf},
                                             {root + "/docker-compose.yml", compose},
                                             {root + "/k8s/app.yaml", kPod}};
  lsp::Workspace incremental(root);
  std::mt19937 rng(7);
  const std::string alphabet = "abc{}\"=\n #$0123456789-_.:[]";
  for (int round = 0; round < 60; ++round) {
    // Change one open buffer: insert, delete or replace a few bytes somewhere.
    auto it = std::next(open.begin(), static_cast<long>(rng() % open.size()));
    std::string& text = it->second;
    const size_t at = rng() % (text.size() + 1);
    const size_t n = std::min<size_t>(rng() % 4, text.size() - at);
    std::string insert;
    for (size_t k = rng() % 4; k > 0; --k) insert += alphabet[rng() % alphabet.size()];
    text.replace(at, n, insert);
    if (round % 10 == 9) {
      // Now and then a file that is not open changes on disk.
      t.write("api/Dockerfile", round % 20 == 9 ? "FROM python:3.12.4-slim\nUSER 10001\n"
                                                : "FROM python:3.12.4-slim\nHEALTHCHECK CMD "
                                                  "true\nUSER 10001\n");
      t.write("svc/.env", round % 20 == 9 ? "TAG=latest\n" : "TAG=1.0.1\n");
      t.write("infra/modules/store/main.tf",
              "variable \"name\" {}\nresource \"aws_s3_bucket\" \"b" + std::to_string(round) +
                  "\" {\n  bucket = var.name\n}\n");
    }
    if (round % 15 == 14) {
      // And now and then a buffer is closed: the file on disk counts again.
      open.erase(root + "/docker-compose.yml");
    }
    const auto a = incremental.judge(open);
    const auto b = lsp::Workspace(root).judge(open);
    ASSERT_EQ(summary(*a), summary(*b)) << "round " << round << ", edit in " << it->first;
    if (round > 0) {
      EXPECT_GT(a->reused, 0u);
    }
  }
}

}  // namespace
}  // namespace infralint
