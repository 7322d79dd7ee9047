// Loading benchmark: files/s, MB/s and peak memory for the corpus's compose, Dockerfile and
// Kubernetes files (in process and as a whole `infralint graph` run), and the cold start of
// `infralint scan` on one small file. Prints numbers; asserts nothing.
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

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct ChildRun {
  double wall_ms = 0;
  long max_rss_kb = 0;
  int status = 0;
};

ChildRun run_child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  ChildRun r;
  const auto start = Clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    std::perror("posix_spawn");
    return r;
  }
  struct rusage ru {};
  wait4(pid, &r.status, 0, &ru);
  r.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  r.max_rss_kb = ru.ru_maxrss;
  posix_spawn_file_actions_destroy(&fa);
  return r;
}

std::vector<std::string> read_list(const std::string& corpus, const char* name) {
  std::ifstream in(corpus + "/lists/" + name + ".txt");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(corpus + "/" + line);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = INFRALINT_CORPUS_DIR;
  std::string binary = INFRALINT_BINARY;
  int runs = 10;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--binary") && i + 1 < argc) binary = argv[++i];
  }
  std::vector<std::string> files;
  for (const char* list : {"compose", "dockerfile", "k8s"}) {
    auto l = read_list(corpus, list);
    files.insert(files.end(), l.begin(), l.end());
  }
  if (files.empty()) {
    std::fprintf(stderr, "no corpus lists under %s\n", corpus.c_str());
    return 2;
  }
  size_t bytes = 0;
  for (const auto& f : files) bytes += std::filesystem::file_size(f);

  // Child processes first: a child's peak RSS counts the parent's pages until exec.
  auto repeat = [](const std::vector<std::string>& command, int n) {
    std::vector<double> wall;
    long rss = 0;
    for (int r = 0; r < n; ++r) {
      ChildRun c = run_child(command);
      wall.push_back(c.wall_ms);
      rss = std::max(rss, c.max_rss_kb);
    }
    return std::make_pair(median(wall), static_cast<double>(rss) / 1024);
  };
  // 1. Cold start on one small file (the file the peer baselines use for compose).
  const std::string small = corpus + "/awesome-compose/react-express-mongodb/compose.yaml";
  const int cold_runs = std::max(runs, 20);
  const auto [cold_ms, cold_mib] = repeat({binary, "scan", small}, cold_runs);
  std::printf(
      "cold `infralint scan` on one %ju-byte file (%d runs): median %.2f ms wall, peak RSS %.1f "
      "MiB\n",
      static_cast<uintmax_t>(std::filesystem::file_size(small)), cold_runs, cold_ms, cold_mib);
  // 2. The whole binary over the whole corpus folder.
  const auto [graph_ms, graph_mib] = repeat({binary, "graph", corpus, "-o", "/dev/null"}, runs);
  std::printf(
      "infralint graph <corpus> (whole process, %d runs): median %.1f ms wall, peak RSS %.1f MiB\n",
      runs, graph_ms, graph_mib);
  const auto [scan_ms, scan_mib] = repeat({binary, "scan", corpus}, runs);
  std::printf(
      "infralint scan <corpus> (whole process, %d runs): median %.1f ms wall, peak RSS %.1f MiB\n",
      runs, scan_ms, scan_mib);
  const auto [json_ms, json_mib] =
      repeat({binary, "scan", corpus, "--format", "json", "-o", "/dev/null"}, runs);
  std::printf(
      "infralint scan <corpus> --format json, every built-in rule (%d runs): median %.1f ms wall, "
      "peak RSS %.1f MiB\n",
      runs, json_ms, json_mib);

  // 3. In process: the compose, Dockerfile and Kubernetes files into one graph.
  std::vector<double> times;
  size_t resources = 0;
  for (int r = 0; r < runs; ++r) {
    infralint::LoadOptions opt;
    opt.discover.paths = files;
    const auto start = Clock::now();
    infralint::LoadResult result = infralint::load(opt);
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    resources = result.graph.resources.size();
  }
  const double ms = median(times);
  std::printf(
      "load compose+dockerfile+k8s (in process, %d runs): %zu files, %.2f MB, %zu resources\n",
      runs, files.size(), static_cast<double>(bytes) / 1e6, resources);
  std::printf("  median %.1f ms wall (min %.1f)  %.0f files/s  %.1f MB/s\n", ms,
              *std::min_element(times.begin(), times.end()),
              static_cast<double>(files.size()) / (ms / 1000),
              static_cast<double>(bytes) / 1e6 / (ms / 1000));

  return 0;
}
