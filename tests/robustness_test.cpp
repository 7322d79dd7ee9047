// Mutated real files: whatever the bytes, the parsers end, every diagnostic has a position,
// and every resource's range lies inside its file. Deterministic (fixed seeds); run under
// ASan+UBSan in CI, where a memory error fails it.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "helpers.hpp"

namespace infralint {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string mutate(std::string s, std::mt19937& rng) {
  static const char* kInserts[] = {"{",  "[",     "]",  "}",    "&a ",     "*a",   "<<: ",  "\t",
                                   "\n", "---\n", "${", "\\\n", "<<EOF\n", "\xC3", "\xFF",  "'",
                                   "\"", "#",     ": ", "- ",   "? ",      "|\n",  "!!str "};
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0:
        s[at] = static_cast<char>(rng() % 256);
        break;
      case 1:
        s.insert(at, kInserts[rng() % (sizeof kInserts / sizeof *kInserts)]);
        break;
      case 2:
        s.erase(at, 1 + rng() % 40);
        break;
      case 3:
        s.resize(at);  // truncated
        break;
      default: {  // a line repeated
        const size_t nl = s.find('\n', at);
        s.insert(at, s.substr(at, nl == std::string::npos ? std::string::npos : nl - at + 1));
      }
    }
  }
  return s;
}

void check_graph(const Graph& g, const std::string& what) {
  for (const auto& d : g.diagnostics) {
    EXPECT_GE(d.start.line, 1u) << what;
    EXPECT_GE(d.start.column, 1u) << what;
  }
  for (const auto& r : g.resources) {
    const SourceFile* src = g.source(r.file);
    if (!src) continue;
    EXPECT_LE(r.span.begin, r.span.end) << what << " " << r.address;
    EXPECT_LE(r.span.end, src->text().size()) << what << " " << r.address;
  }
}

TEST(Robustness, MutatedCorpusFiles) {
  const std::string corpus = INFRALINT_CORPUS_DIR;
  const std::pair<const char*, const char*> samples[] = {
      {"awesome-compose/react-express-mongodb/compose.yaml", "compose.yaml"},
      {"sentry-self-hosted/docker-compose.yml", "docker-compose.yml"},
      {"docker-library-python/3.12/slim-bookworm/Dockerfile", "Dockerfile"},
      {"awesome-compose/nginx-golang/backend/Dockerfile", "Dockerfile"},
      {"kube-prometheus/manifests/grafana-deployment.yaml", "deploy.yaml"},
      {"microservices-demo/kubernetes-manifests/frontend.yaml", "frontend.yaml"},
      {"microservices-demo/.github/workflows/ci-main.yaml", ".github/workflows/ci.yaml"},
  };
  size_t runs = 0;
  for (const auto& [source, name] : samples) {
    const std::string original = read(corpus + "/" + source);
    ASSERT_FALSE(original.empty()) << source;
    std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(source)&0xFFFFFFFF));
    for (int i = 0; i < 60; ++i) {
      test::TempTree t;
      t.write(name, mutate(original, rng));
      LoadOptions opt;
      opt.jobs = 1;
      check_graph(test::load_tree(t, opt), std::string(source) + " mutation " + std::to_string(i));
      ++runs;
    }
  }
  EXPECT_EQ(runs, 420u);
}

TEST(Robustness, StdinOfEveryFormatWithGarbage) {
  std::mt19937 rng(42);
  for (const char* type : {"compose", "dockerfile", "kubernetes", "github-workflow", "dependabot",
                           "prometheus-rules", "otel-collector"}) {
    for (int i = 0; i < 30; ++i) {
      std::string bytes(1 + rng() % 512, '\0');
      static constexpr char kAlphabet[] = "ab:- \n\t{}[]&*<>#|\"'$\\FROM";
      for (auto& c : bytes) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
      LoadOptions opt;
      opt.use_stdin = true;
      opt.stdin_name = "stdin";
      opt.stdin_text = bytes;
      opt.discover.forced_type = type;
      check_graph(load(opt).graph, std::string(type) + " garbage " + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace infralint
