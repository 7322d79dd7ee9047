// Terraform benchmark: generates synthetic stacks (1k to 100k resources, one for_each of 10k
// instances, modules nested 8 deep with fan-out 4) and the corpus's Terraform, and prints
// time, files/s, MB/s, instances and peak memory for each. Prints numbers; asserts nothing.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parsers/loader.hpp"

extern char** environ;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// n resources in files of 100, each referencing a variable, a local and the previous resource.
void flat_stack(const fs::path& dir, size_t n) {
  write(
      dir / "variables.tf",
      "variable \"env\" {\n  default = \"prod\"\n}\nlocals {\n  prefix = \"${var.env}-app\"\n}\n");
  for (size_t f = 0; f * 100 < n; ++f) {
    std::string text;
    for (size_t i = f * 100; i < std::min(n, (f + 1) * 100); ++i) {
      text += "resource \"aws_s3_bucket\" \"b" + std::to_string(i) + "\" {\n";
      text += "  bucket = \"${local.prefix}-" + std::to_string(i) + "\"\n";
      text += "  tags = {\n    Name = \"b" + std::to_string(i) + "\"\n    Env  = var.env\n  }\n";
      if (i > 0) text += "  depends_on = [aws_s3_bucket.b" + std::to_string(i - 1) + "]\n";
      text +=
          "  versioning {\n    enabled = " + std::string(i % 2 ? "true" : "false") + "\n  }\n}\n\n";
    }
    write(dir / ("main" + std::to_string(f) + ".tf"), text);
  }
}

void for_each_stack(const fs::path& dir, size_t n) {
  write(dir / "main.tf",
        "locals {\n  names = toset([for i in range(" + std::to_string(n) +
            ") : format(\"bucket-%05d\", i)])\n}\n"
            "resource \"aws_s3_bucket\" \"this\" {\n  for_each = local.names\n  bucket = each.key\n"
            "  tags = { Name = each.value }\n}\n");
}

// Modules nested `depth` deep, each level calling the next `fanout` times.
void nested_modules(const fs::path& dir, int depth, int fanout) {
  write(dir / "main.tf", "module \"l1\" {\n  source = \"./modules/l1\"\n  count  = " +
                             std::to_string(fanout) + "\n  name   = \"root-${count.index}\"\n}\n");
  for (int level = 1; level <= depth; ++level) {
    std::string text = "variable \"name\" {}\n";
    if (level < depth) {
      text += "module \"l" + std::to_string(level + 1) + "\" {\n  source = \"../l" +
              std::to_string(level + 1) + "\"\n  count  = " + std::to_string(fanout) +
              "\n  name   = \"${var.name}-${count.index}\"\n}\n";
    } else {
      text += "resource \"aws_sqs_queue\" \"q\" {\n  name = var.name\n}\n";
    }
    text += "output \"name\" {\n  value = var.name\n}\n";
    write(dir / "modules" / ("l" + std::to_string(level)) / "main.tf", text);
  }
}

struct Measure {
  double ms = 0;
  size_t files = 0;
  size_t bytes = 0;
  size_t resources = 0;
  size_t diagnostics = 0;
};

Measure measure(const fs::path& dir, int runs) {
  std::vector<double> times;
  Measure m;
  for (int r = 0; r < runs; ++r) {
    infralint::LoadOptions opt;
    opt.discover.paths = {dir.string()};
    const auto start = Clock::now();
    infralint::LoadResult res = infralint::load(opt);
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    m.resources = 0;
    for (const auto& x : res.graph.resources) m.resources += x.format == "terraform";
    m.files = 0;
    m.bytes = 0;
    for (const auto& f : res.graph.files) {
      if (f.format == "terraform" && f.source) {
        ++m.files;
        m.bytes += f.source->text().size();
      }
    }
    m.diagnostics = res.graph.diagnostics.size();
  }
  std::sort(times.begin(), times.end());
  m.ms = times[times.size() / 2];
  return m;
}

long child_peak_rss_kb(const std::string& binary, const fs::path& dir) {
  const char* argv[] = {binary.c_str(), "scan", dir.c_str(), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, binary.c_str(), &fa, nullptr, const_cast<char**>(argv), environ) != 0)
    return -1;
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  posix_spawn_file_actions_destroy(&fa);
  return ru.ru_maxrss;
}

void report(const char* name, const Measure& m, long rss_kb) {
  std::printf(
      "%-34s %7.1f ms  %5zu files  %6.2f MB  %7zu resources  %8.0f files/s  %6.1f MB/s  peak %6.1f "
      "MiB\n",
      name, m.ms, m.files, static_cast<double>(m.bytes) / 1e6, m.resources, m.files / (m.ms / 1000),
      static_cast<double>(m.bytes) / 1e6 / (m.ms / 1000), static_cast<double>(rss_kb) / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = INFRALINT_CORPUS_DIR;
  std::string binary = INFRALINT_BINARY;
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
  }
  char tmpl[] = "/tmp/infralint-bench-XXXXXX";
  const fs::path root = mkdtemp(tmpl);
  struct Case {
    std::string name;
    fs::path dir;
  };
  std::vector<Case> cases;
  for (size_t n : {1000, 10000, 100000}) {
    const fs::path d = root / ("flat" + std::to_string(n));
    flat_stack(d, n);
    cases.push_back({"flat stack, " + std::to_string(n) + " resources", d});
  }
  for (size_t n : {1000, 10000}) {
    const fs::path d = root / ("foreach" + std::to_string(n));
    for_each_stack(d, n);
    cases.push_back({"one for_each of " + std::to_string(n), d});
  }
  for (int depth : {6, 8}) {
    const fs::path d = root / ("nested" + std::to_string(depth));
    nested_modules(d, depth, 4);
    cases.push_back({"modules " + std::to_string(depth) + " deep, fan-out 4", d});
  }
  std::printf(
      "terraform benchmark (%d runs each, median wall; peak RSS of a whole `infralint scan`)\n",
      runs);
  // Child processes first: a child's peak RSS counts the parent's pages until exec.
  std::vector<long> rss;
  for (const auto& c : cases) rss.push_back(child_peak_rss_kb(binary, c.dir));
  for (size_t i = 0; i < cases.size(); ++i)
    report(cases[i].name.c_str(), measure(cases[i].dir, runs), rss[i]);
  // The corpus: Terraform only (its folders that hold .tf files).
  std::vector<std::string> tf;
  {
    std::ifstream in(corpus + "/lists/tf.txt");
    for (std::string line; std::getline(in, line);) tf.push_back(line);
  }
  if (!tf.empty()) {
    std::vector<double> times;
    size_t resources = 0, files = 0, bytes = 0;
    for (int r = 0; r < runs; ++r) {
      infralint::LoadOptions opt;
      for (const auto& f : tf) opt.discover.paths.push_back(corpus + "/" + f);
      const auto start = Clock::now();
      infralint::LoadResult res = infralint::load(opt);
      times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      resources = files = bytes = 0;
      for (const auto& x : res.graph.resources) resources += x.format == "terraform";
      for (const auto& f : res.graph.files) {
        if (f.format == "terraform" && f.source) {
          ++files;
          bytes += f.source->text().size();
        }
      }
    }
    std::sort(times.begin(), times.end());
    Measure m{times[times.size() / 2], files, bytes, resources, 0};
    report("corpus .tf files (parse + evaluate)", m, 0);
  }
  fs::remove_all(root);
  return 0;
}
