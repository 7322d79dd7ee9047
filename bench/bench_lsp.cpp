// Language server latency and memory (issue 8: open -> diagnostics <= 20 ms, change ->
// diagnostics <= 10 ms median): `infralint lsp --stdio` as an editor runs it, on a workspace of
// a few hundred corpus files (compose projects, Kubernetes manifests, a Terraform module) plus
// a generated 1,000-line Terraform file and a 500-line Kubernetes manifest. Each change is one
// keystroke (an incremental edit inside a value), and the clock stops at the
// publishDiagnostics for that version. Prints numbers; asserts nothing.
// With --terraform-modules the workspace also holds terraform-aws-vpc, whose examples each
// instantiate the whole VPC module (about 8,000 graph resources more).
// Usage: infralint_bench_lsp [--changes N] [--memory-edits N] [--terraform-modules]
//                            [--binary PATH] [--corpus DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lsp_client.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int typing_gap_ms = 0;  // between keystrokes

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// 1,000 lines of Terraform as platform teams write it: variables, locals, buckets with their
// versioning and encryption resources, security groups with ingress blocks, references.
std::string terraform_file() {
  std::string t =
      "variable \"environment\" {\n  type    = string\n  default = \"production\"\n}\n\n"
      "locals {\n  prefix = \"acme-${var.environment}\"\n  tags = {\n    team = \"platform\"\n"
      "    env  = var.environment\n  }\n}\n\n";
  for (int i = 0; std::count(t.begin(), t.end(), '\n') < 990; ++i) {
    const std::string n = std::to_string(i);
    t +=
        "resource \"aws_s3_bucket\" \"data" + n + "\" {\n  bucket = \"${local.prefix}-data-" + n +
        "\"\n  tags   = local.tags\n}\n\n"
        "resource \"aws_s3_bucket_versioning\" \"data" +
        n + "\" {\n  bucket = aws_s3_bucket.data" + n +
        ".id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n\n"
        "resource \"aws_security_group\" \"svc" +
        n + "\" {\n  name        = \"svc-" + n + "\"\n  description = \"service " + n +
        "\"\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n"
        "    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n  tags = local.tags\n}\n\n";
  }
  return t;
}

// About 500 lines of Kubernetes: Deployments with resources, probes and security contexts.
std::string kubernetes_file() {
  std::string t;
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    t += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app" + n +
         "\n  namespace: apps\n  labels:\n    app: app" + n +
         "\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app" + n +
         "\n  template:\n    metadata:\n      labels:\n        app: app" + n +
         "\n    spec:\n      containers:\n        - name: app\n          image: example/app:1." +
         n +
         ".0\n          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n"
         "            requests: {cpu: 100m, memory: 128Mi}\n"
         "          securityContext:\n            runAsNonRoot: true\n";
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// Just inside the first value at or after `from_line` that starts with `needle` (an edit there
// changes a value, not the structure): `description = "` in Terraform, `image: ` in YAML.
json edit_position(const std::string& text, size_t from_line) {
  size_t line = 0, pos = 0;
  while (line < from_line && pos < text.size()) {
    pos = text.find('\n', pos) + 1;
    ++line;
  }
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    const std::string l = text.substr(pos, eol - pos);
    for (const std::string needle : {"description = \"", "image: "}) {
      if (const size_t q = l.find(needle); q != std::string::npos)
        return {{"line", line}, {"character", q + needle.size() + 1}};
    }
    pos = eol + 1;
    ++line;
  }
  return {{"line", 0}, {"character", 0}};
}

struct Round {
  double open_ms = 0;
  std::vector<double> change_ms;
  std::vector<double> judged_ms;  // the server's own time for each change's run (its trace)
  size_t diagnostics = 0;
};

// The publishDiagnostics of `uri` at `version`; the run times the server's trace reports on the
// way go to `judged`.
std::optional<json> publication(infralint::test::LspClient& c, const std::string& uri, int version,
                                std::vector<double>* judged = nullptr) {
  return c.next([&](const json& j) {
    const std::string method = j.value("method", "");
    if (method == "window/logMessage" && judged) {
      const std::string m = j["params"].value("message", "");
      if (const size_t in = m.rfind(" in "); m.find("judged ") != std::string::npos && in != m.npos)
        judged->push_back(std::atof(m.c_str() + in + 4));
    }
    return method == "textDocument/publishDiagnostics" && j["params"]["uri"] == uri &&
           j["params"].value("version", -1) >= version;
  });
}

// Opens `path`, then types and deletes one character `changes` times.
Round measure(infralint::test::LspClient& c, const fs::path& path, const std::string& lang,
              int changes, int& version) {
  const std::string uri = "file://" + path.string();
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Round r;
  // Opening is measured on an idle server: the run for the previous close has ended.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto t0 = Clock::now();
  c.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", lang}, {"version", ++version}, {"text", text}}}});
  auto d = publication(c, uri, version);
  r.open_ms = ms_since(t0);
  if (!d) return r;
  r.diagnostics = (*d)["params"]["diagnostics"].size();
  const json at = edit_position(text, std::count(text.begin(), text.end(), '\n') / 2);
  for (int i = 0; i < changes; ++i) {
    json end = at;
    std::string insert = "x";
    if (i % 2) {  // delete the character typed before
      end["character"] = at["character"].get<int>() + 1;
      insert = "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(typing_gap_ms));
    const auto t = Clock::now();
    c.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", ++version}}},
              {"contentChanges", {{{"range", {{"start", at}, {"end", end}}}, {"text", insert}}}}});
    if (!publication(c, uri, version, &r.judged_ms)) break;
    r.change_ms.push_back(ms_since(t));
  }
  c.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = INFRALINT_CORPUS_DIR;
  std::string binary = INFRALINT_BINARY;
  int changes = 200;
  int memory_edits = 10'000;
  std::vector<std::string> dirs = {"awesome-compose", "kubernetes-examples"};
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--terraform-modules")) dirs.push_back("terraform-aws-vpc");
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--corpus")) corpus = argv[++i];
    if (!std::strcmp(argv[i], "--binary")) binary = argv[++i];
    if (!std::strcmp(argv[i], "--changes")) changes = std::max(1, std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--typing-gap")) typing_gap_ms = std::max(0, std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--memory-edits")) memory_edits = std::max(0, std::atoi(argv[++i]));
  }
  char tmpl[] = "/tmp/infralint-bench-lsp-XXXXXX";
  const fs::path ws = fs::canonical(mkdtemp(tmpl));
  for (const auto& dir : dirs)
    fs::copy(fs::path(corpus) / dir, ws / dir, fs::copy_options::recursive);
  write(ws / "platform/main.tf", terraform_file());
  write(ws / "platform/apps.yaml", kubernetes_file());
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(ws)) files += e.is_regular_file();

  auto c = infralint::test::LspClient::spawn(binary);
  if (!c) return 1;
  const auto t0 = Clock::now();
  const int init =
      c->request("initialize", {{"processId", nullptr},
                                {"rootUri", "file://" + ws.string()},
                                {"capabilities", {{"window", {{"workDoneProgress", true}}}}}});
  c->response(init);
  c->notify("initialized", json::object());
  c->notify("$/setTrace", {{"value", "verbose"}});  // each run's own time, for comparison
  // The initial workspace load ends with its progress report.
  const auto loaded = c->next([](const json& j) {
    return j.value("method", "") == "$/progress" && j["params"]["value"]["kind"] == "end";
  });
  std::printf("workspace: %zu files; initialize -> workspace loaded %.1f ms%s\n", files,
              ms_since(t0), loaded ? "" : " (no progress report)");

  int version = 0;
  for (const auto& [name, lang] :
       {std::pair<std::string, std::string>{"platform/main.tf", "terraform"},
        std::pair<std::string, std::string>{"platform/apps.yaml", "yaml"}}) {
    std::vector<double> opens, all_changes, judged;
    size_t diagnostics = 0;
    for (int k = 0; k < 5; ++k) {  // open, edit, close: five times
      Round r = measure(*c, ws / name, lang, changes / 5, version);
      opens.push_back(r.open_ms);
      all_changes.insert(all_changes.end(), r.change_ms.begin(), r.change_ms.end());
      judged.insert(judged.end(), r.judged_ms.begin(), r.judged_ms.end());
      diagnostics = r.diagnostics;
    }
    std::ifstream in(ws / name);
    const auto lines = std::count(std::istreambuf_iterator<char>(in), {}, '\n');
    std::printf(
        "%-18s %5ld lines, %3zu diagnostics: open -> diagnostics median %.2f ms (max %.2f); "
        "change -> diagnostics median %.2f ms (p95 %.2f, n %zu; the run itself %.2f ms)\n",
        name.c_str(), static_cast<long>(lines), diagnostics, median(opens),
        *std::max_element(opens.begin(), opens.end()), median(all_changes), pct(all_changes, 0.95),
        all_changes.size(), median(judged));
  }

  if (memory_edits > 0) {
    // Memory over many edits: the server's resident size before and after.
    const fs::path path = ws / "platform/main.tf";
    const std::string uri = "file://" + path.string();
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c->notify(
        "textDocument/didOpen",
        {{"textDocument",
          {{"uri", uri}, {"languageId", "terraform"}, {"version", ++version}, {"text", text}}}});
    c->published(uri, version);
    const json at = edit_position(text, 500);
    std::printf("memory over %d edits (RSS of the server):", memory_edits);
    const long before = rss_kib(c->pid());
    std::printf(" start %.1f MiB", static_cast<double>(before) / 1024);
    const auto t = Clock::now();
    for (int i = 1; i <= memory_edits; ++i) {
      json end = at;
      if (i % 2 == 0) end["character"] = at["character"].get<int>() + 1;
      c->notify("textDocument/didChange",
                {{"textDocument", {{"uri", uri}, {"version", ++version}}},
                 {"contentChanges",
                  {{{"range", {{"start", at}, {"end", end}}}, {"text", i % 2 ? "y" : ""}}}}});
      c->published(uri, version);
      if (i % (memory_edits / 4 > 0 ? memory_edits / 4 : 1) == 0)
        std::printf(", %d: %.1f MiB", i, static_cast<double>(rss_kib(c->pid())) / 1024);
    }
    std::printf(" (%.1f s)\n", ms_since(t) / 1000);
  }
  const int s = c->request("shutdown", nullptr);
  c->response(s);
  c->notify("exit", nullptr);
  c->wait_exit();
  fs::remove_all(ws);
  return 0;
}
