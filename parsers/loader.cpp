#include "parsers/loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "engine/parallel.hpp"
#include "engine/paths.hpp"
#include "parsers/ci/ci.hpp"
#include "parsers/common/output.hpp"
#include "parsers/common/secrets.hpp"
#include "parsers/compose/compose.hpp"
#include "parsers/dockerfile/dockerfile.hpp"
#include "parsers/kubernetes/kubernetes.hpp"
#include "parsers/observability/observability.hpp"
#include "parsers/terraform/terraform.hpp"

namespace infralint {

// One file's parse: what it was parsed from, and what the slot received.
struct ParseCache::Entry {
  // The input: the file's discovered format, whether it was named, its index in the file table,
  // and its text (hash and size) or, read from disk, its identity.
  std::string input_format;
  bool named = false;
  uint32_t index = kNoFile;
  size_t text_hash = 0, text_size = 0;
  bool from_disk = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  bool valid = false;
  // The output.
  std::shared_ptr<const SourceFile> source;
  std::string format;
  // Compose files only: projects are built from them.
  std::shared_ptr<const std::vector<yaml::Document>> docs;
  std::shared_ptr<const terraform::ParsedFile> terraform;
  ParseOutput out;
};

// One compose project's build: the texts it read (its files, and those `extends` named, by path
// and index), its .env, and what it produced.
struct ParseCache::Project {
  struct Input {
    std::string path;
    uint32_t index = kNoFile;
    std::shared_ptr<const SourceFile> source;
    bool operator==(const Input&) const = default;
  };
  std::vector<Input> inputs;
  compose::Env env;
  ParseOutput out;
};

ParseCache::ParseCache() = default;
ParseCache::~ParseCache() = default;

namespace {

struct Slot {
  std::string abs;
  std::string format;
  bool named = false;
  size_t order = 0;
  std::vector<yaml::Document> docs;
  std::shared_ptr<const std::vector<yaml::Document>> cached_docs;  // instead of docs
  std::shared_ptr<const terraform::ParsedFile> terraform;
  ParseOutput out;
  ParseCache::Entry* cached = nullptr;
  bool reused = false;                   // restored from the cache
  std::optional<std::string> disk_text;  // already read from disk (to compare with the cache)
  // An open buffer's Terraform: keep its syntax tree, and reparse from the previous one.
  bool keep_tree = false;
  const terraform::ParsedFile* previous = nullptr;
};

bool is_yaml_format(std::string_view f) {
  return f == kSniffYaml || f == "compose" || f == "kubernetes" || f == "github-workflow" ||
         f == "dependabot" || f == "prometheus-rules" || f == "otel-collector";
}

// Reads a whole regular file, refusing more than `cap` bytes.
bool read_file(const std::string& path, size_t cap, std::string& text, std::string& error,
               bool& too_big) {
  too_big = false;
  // O_NONBLOCK: a FIFO named on the command line must not hang the scan.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "not a regular file";
    ::close(fd);
    return false;
  }
  if (static_cast<size_t>(st.st_size) > cap) {
    too_big = true;
    ::close(fd);
    return false;
  }
  text.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  ::close(fd);
  return true;
}

// Helm-style template actions at the start of a line make a file a template, not YAML.
bool has_template_lines(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t i = pos;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (text.substr(i, 2) == "{{") return true;
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return false;
}

std::string sniff_yaml(const std::vector<yaml::Document>& docs) {
  for (const auto& d : docs) {
    if (d.root.is_map() && kubernetes::is_object(d.root)) return "kubernetes";
  }
  for (const auto& d : docs) {
    if (!d.root.is_map()) continue;
    if (const Value* s = d.root.get("services"); s && s->is_map()) return "compose";
    if (observability::is_prometheus_rules(d.root)) return "prometheus-rules";
    if (observability::is_otel_collector(d.root)) return "otel-collector";
  }
  return "";
}

void diag(Slot& s, const SourceFile* src, Severity sev, const std::string& path, uint32_t offset,
          std::string msg) {
  s.out.diagnostics.push_back(
      Diagnostic{sev, path, src ? src->position(offset) : Position{}, std::move(msg)});
}

void read_and_parse(const LoadOptions& opt, Graph& g, uint32_t index, Slot& s) {
  FileEntry& fe = g.files[index];
  std::string text;
  if (opt.use_stdin) {
    text = opt.stdin_text;
  } else if (auto it = opt.overlays.find(s.abs); it != opt.overlays.end()) {
    text = it->second;
  } else if (s.disk_text) {
    text = std::move(*s.disk_text);
  } else {
    std::string error;
    bool too_big = false;
    if (!read_file(s.abs, opt.max_file_size, text, error, too_big)) {
      diag(s, nullptr, too_big ? Severity::Warning : Severity::Error, fe.path, 0,
           too_big ? "file is larger than the " + std::to_string(opt.max_file_size) +
                         "-byte cap: not scanned"
                   : "cannot read file: " + error);
      return;
    }
  }
  if (text.find('\0') != std::string::npos) {
    diag(s, nullptr, Severity::Warning, fe.path, 0, "binary file (holds NUL bytes): not scanned");
    return;
  }
  fe.source = std::make_shared<const SourceFile>(fe.path, std::move(text));
  const SourceFile& src = *fe.source;
  if (src.text().find_first_not_of(" \t\r\n") == std::string::npos) {
    diag(s, &src, Severity::Info, fe.path, 0, "empty file");
    return;
  }
  const size_t bad = first_invalid_utf8(src.text());
  if (bad != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(src.text()[bad]));
    diag(s, &src, Severity::Error, fe.path, static_cast<uint32_t>(bad),
         std::string("invalid UTF-8 (byte ") + hex + ")");
    if (is_yaml_format(s.format)) return;
  }

  if (s.format == "dockerfile") {
    if (has_template_lines(src.text())) {
      diag(s, &src, Severity::Info, fe.path, 0,
           "template markers ({{ }}): a Dockerfile template, not scanned");
      return;
    }
    dockerfile::parse(src, index, s.out);
    return;
  }
  if (s.format == "terraform") {
    s.terraform = std::make_shared<const terraform::ParsedFile>(
        terraform::parse_file(src, index, s.out.diagnostics, s.keep_tree, s.previous));
    return;
  }
  if (!is_yaml_format(s.format)) return;

  const bool sniffing = s.format == kSniffYaml;
  if (has_template_lines(src.text())) {
    if (!sniffing || s.named || src.text().find("apiVersion") != std::string::npos) {
      diag(s, &src, Severity::Info, fe.path, 0,
           "template markers ({{ }}): not plain YAML, not scanned");
    }
    s.format = sniffing ? "" : s.format;
    return;
  }
  yaml::Result r = yaml::parse(src, index, opt.yaml);
  if ((r.failed || r.complex_keys) && src.text().find("{{") != std::string::npos) {
    // Template actions inside values ("key: {{ .Values.x }}") are not YAML either: they fail
    // to parse, or parse as nested flow mappings used as keys.
    diag(s, &src, Severity::Info, fe.path, 0,
         "template markers ({{ }}): not plain YAML, not scanned");
    s.format = sniffing ? "" : s.format;
    return;
  }
  s.docs = std::move(r.documents);
  if (sniffing) {
    s.format = sniff_yaml(s.docs);
    // An unparsable YAML file that is not known to be IaC is not ours to judge, unless named.
    if (s.format.empty() && r.failed) {
      const bool looks_k8s = src.text().find("apiVersion:") != std::string::npos &&
                             src.text().find("kind:") != std::string::npos;
      if (looks_k8s) {
        s.format = "kubernetes";
      } else if (!s.named) {
        return;
      }
    }
    if (s.format.empty()) {
      if (s.named)
        diag(s, &src, Severity::Info, fe.path, 0, "not a recognised IaC format: not scanned");
      if (!r.failed) return;
    }
  }
  for (auto& d : r.diagnostics) s.out.diagnostics.push_back(std::move(d));
  if (s.docs.empty()) return;
  const Value& first = s.docs.front().root;
  if (s.format == "kubernetes") {
    kubernetes::build(s.docs, src, index, s.out);
  } else if (s.format == "github-workflow") {
    ci::build_workflow(first, src, index, s.out);
  } else if (s.format == "dependabot") {
    ci::build_dependabot(first, src, index, s.out);
  } else if (s.format == "prometheus-rules") {
    for (const auto& d : s.docs) observability::build_prometheus(d.root, src.path(), index, s.out);
  } else if (s.format == "otel-collector") {
    observability::build_otel(first, src.path(), Span{first.span.begin, first.span.begin}, index,
                              s.out);
  }
  // compose: built per project once every file is read.
}

bool same_identity(const ParseCache::Entry& e, const struct stat& st) {
  return e.from_disk && e.dev == st.st_dev && e.ino == st.st_ino && e.size == st.st_size &&
         e.mtime.tv_sec == st.st_mtim.tv_sec && e.mtime.tv_nsec == st.st_mtim.tv_nsec;
}

void set_identity(ParseCache::Entry& e, const struct stat& st) {
  e.dev = st.st_dev;
  e.ino = st.st_ino;
  e.size = st.st_size;
  e.mtime = st.st_mtim;
}

// Parses one file and finds the secrets of what it alone defines.
void parse(const LoadOptions& opt, Graph& g, uint32_t index, Slot& s) {
  read_and_parse(opt, g, index, s);
  const SourceFile* src = g.files[index].source.get();
  if (src && !s.out.resources.empty()) {
    find_secrets(s.out.resources, [&](uint32_t f) { return f == index ? src : nullptr; });
  }
}

// Parses one file, or restores what parsing the same input gave last time.
void load_file(const LoadOptions& opt, Graph& g, uint32_t index, Slot& s) {
  ParseCache::Entry* e = s.cached;
  if (!e || opt.use_stdin) return parse(opt, g, index, s);
  const auto overlay = opt.overlays.find(s.abs);
  const bool disk = overlay == opt.overlays.end();
  struct stat st {};
  const bool have_stat = disk && ::lstat(s.abs.c_str(), &st) == 0;
  const size_t hash = disk ? 0 : std::hash<std::string_view>{}(overlay->second);
  const bool same_file =
      e->valid && e->input_format == s.format && e->named == s.named && e->index == index;
  // The same text: by identity on disk, by hash for a buffer, and byte for byte when a buffer
  // replaces the file (an editor opening it) or the file replaces a closed buffer.
  auto same_text = [&] {
    if (disk) {
      if (!have_stat) return false;
      if (same_identity(*e, st)) return true;
      if (!e->source) return false;
      std::string text, error;
      bool too_big = false;
      if (!read_file(s.abs, opt.max_file_size, text, error, too_big)) return false;
      if (text == e->source->text()) return true;
      s.disk_text = std::move(text);  // parsed below: not read twice
      return false;
    }
    if (e->from_disk) return e->source && e->source->text() == overlay->second;
    return e->text_hash == hash && e->text_size == overlay->second.size();
  };
  FileEntry& fe = g.files[index];
  if (same_file && same_text()) {
    fe.source = e->source;
    s.format = e->format;
    s.cached_docs = e->docs;
    s.terraform = e->terraform;
    s.out = e->out;
    s.reused = true;
    // What the text is known by from now on.
    e->from_disk = disk;
    e->text_hash = hash;
    e->text_size = disk ? 0 : overlay->second.size();
    if (disk) set_identity(*e, st);
    return;
  }
  e->input_format = s.format;
  s.keep_tree = !disk;
  s.previous = same_file && e->terraform && e->source ? e->terraform.get() : nullptr;
  parse(opt, g, index, s);
  e->named = s.named;
  e->index = index;
  e->from_disk = disk && have_stat;
  e->valid = !disk || have_stat;
  e->text_hash = hash;
  e->text_size = disk ? 0 : overlay->second.size();
  if (e->from_disk) set_identity(*e, st);
  e->source = fe.source;
  e->format = s.format;
  e->docs.reset();
  if (s.format == "compose") {
    e->docs = std::make_shared<const std::vector<yaml::Document>>(std::move(s.docs));
    s.cached_docs = e->docs;
  }
  e->terraform = s.terraform;
  e->out = s.out;
}

bool is_default_compose(std::string_view name) {
  return name == "compose.yaml" || name == "compose.yml" || name == "docker-compose.yaml" ||
         name == "docker-compose.yml";
}
bool is_override_compose(std::string_view name) {
  return name == "compose.override.yaml" || name == "compose.override.yml" ||
         name == "docker-compose.override.yaml" || name == "docker-compose.override.yml";
}

const std::vector<yaml::Document>& docs_of(const Slot& s) {
  return s.cached_docs ? *s.cached_docs : s.docs;
}

std::vector<compose::Project> compose_projects(const LoadOptions& opt, const Graph& g,
                                               std::vector<Slot>& slots) {
  std::map<std::string, std::vector<uint32_t>> defaults;  // dir -> default + override files
  std::map<std::string, std::vector<uint32_t>> named;     // dir -> files named together
  std::vector<uint32_t> lone;
  for (uint32_t i = 0; i < slots.size(); ++i) {
    if (slots[i].format != "compose" || docs_of(slots[i]).empty()) continue;
    const std::string& path = g.files[i].path;
    const std::string name = std::string(path_base(path));
    if (slots[i].named) {
      named[std::string(path_dir(path))].push_back(i);
    } else if (is_default_compose(name) || is_override_compose(name)) {
      defaults[std::string(path_dir(path))].push_back(i);
    } else {
      lone.push_back(i);
    }
  }
  std::vector<compose::Project> projects;
  auto make = [&](const std::string& dir, std::string prefix, const std::vector<uint32_t>& files) {
    compose::Project p;
    p.dir = dir;
    p.prefix = std::move(prefix);
    for (uint32_t f : files) {
      p.files.push_back(
          compose::ProjectFile{f, g.files[f].source.get(), &docs_of(slots[f]).front().root});
    }
    if (!opt.use_stdin) {
      std::string text, error;
      bool too_big = false;
      const std::string env_path = (std::filesystem::path(g.root) / dir / ".env").string();
      if (read_file(env_path, opt.max_file_size, text, error, too_big))
        p.env = compose::parse_env_file(text);
    }
    p.find_file = [&g, &slots](const std::string& path) {
      const uint32_t f = g.file_index(path);
      if (f == kNoFile || docs_of(slots[f]).empty() || !g.files[f].source)
        return compose::ProjectFile{};
      return compose::ProjectFile{f, g.files[f].source.get(), &docs_of(slots[f]).front().root};
    };
    projects.push_back(std::move(p));
  };
  auto dir_prefix = [](const std::string& dir) { return dir.empty() ? std::string() : dir + ":"; };
  for (auto& [dir, files] : defaults) {
    // Compose reads one default file (compose.yaml first) and its override; others stand alone.
    std::vector<uint32_t> mains, overrides;
    for (uint32_t f : files)
      (is_override_compose(std::string(path_base(g.files[f].path))) ? overrides : mains)
          .push_back(f);
    static const char* kOrder[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
                                   "docker-compose.yml"};
    std::stable_sort(mains.begin(), mains.end(), [&](uint32_t a, uint32_t b) {
      auto rank = [&](uint32_t f) {
        return std::find(std::begin(kOrder), std::end(kOrder),
                         std::string(path_base(g.files[f].path))) -
               std::begin(kOrder);
      };
      return rank(a) < rank(b);
    });
    std::vector<uint32_t> merged;
    if (!mains.empty()) merged.push_back(mains.front());
    if (!overrides.empty()) merged.push_back(overrides.front());
    make(dir, dir_prefix(dir), merged);
    for (size_t k = 1; k < mains.size(); ++k) make(dir, g.files[mains[k]].path + ":", {mains[k]});
    for (size_t k = 1; k < overrides.size(); ++k)
      make(dir, g.files[overrides[k]].path + ":", {overrides[k]});
  }
  for (auto& [dir, files] : named) {
    std::stable_sort(files.begin(), files.end(),
                     [&](uint32_t a, uint32_t b) { return slots[a].order < slots[b].order; });
    const bool default_named =
        files.size() > 1 || is_default_compose(std::string(path_base(g.files[files[0]].path)));
    make(dir, default_named ? dir_prefix(dir) : g.files[files[0]].path + ":", files);
  }
  for (uint32_t f : lone) make(std::string(path_dir(g.files[f].path)), g.files[f].path + ":", {f});
  return projects;
}

// Builds the compose projects whose inputs changed; the others are what they were.
void build_projects(const Graph& g, std::vector<compose::Project>& projects,
                    std::vector<ParseOutput>& out, ParseCache& cache) {
  using Input = ParseCache::Project::Input;
  auto input = [&](const std::string& path) {
    const uint32_t f = g.file_index(path);
    return Input{path, f, f == kNoFile ? nullptr : g.files[f].source};
  };
  std::set<std::string> present;
  for (size_t i = 0; i < projects.size(); ++i) {
    compose::Project& p = projects[i];
    std::string key = p.dir + "\n" + p.prefix;
    for (const auto& f : p.files) key += "\n" + g.files[f.file].path;
    present.insert(key);
    auto& entry = cache.compose[key];
    if (entry && entry->env == p.env &&
        std::all_of(entry->inputs.begin(), entry->inputs.end(),
                    [&](const Input& in) { return input(in.path) == in; })) {
      out[i] = entry->out;
      continue;
    }
    entry = std::make_unique<ParseCache::Project>();
    for (const auto& f : p.files) entry->inputs.push_back(input(g.files[f.file].path));
    auto find = p.find_file;
    p.find_file = [&, find, e = entry.get()](const std::string& path) {
      e->inputs.push_back(input(path));
      return find(path);
    };
    compose::build(p, out[i]);
    entry->env = p.env;
    entry->out = out[i];
  }
  std::erase_if(cache.compose, [&](const auto& kv) { return !present.count(kv.first); });
}

void append(Graph& g, ParseOutput& out) {
  const auto base = static_cast<uint32_t>(g.resources.size());
  for (auto& r : out.resources) g.resources.push_back(std::move(r));
  for (auto& e : out.edges) g.add_edge(base + e.from, base + e.to, std::move(e.kind));
  for (auto& d : out.diagnostics) g.diagnostics.push_back(std::move(d));
}

}  // namespace

LoadResult load(const LoadOptions& opt) {
  LoadResult result;
  Graph& g = result.graph;
  Discovery found;
  if (opt.use_stdin) {
    std::error_code ec;
    found.root = std::filesystem::current_path(ec).string();
    std::string name = opt.stdin_name.empty() ? "stdin" : opt.stdin_name;
    std::string format =
        opt.discover.forced_type.empty() ? classify_by_name(name) : opt.discover.forced_type;
    if (format.empty()) format = std::string(kSniffYaml);
    found.files.push_back(DiscoveredFile{name, "", format, true, 0});
  } else if (!opt.discovery) {
    found = discover(opt.discover);
  }
  const Discovery& disc = opt.discovery && !opt.use_stdin ? *opt.discovery : found;
  g.root = disc.root;
  g.diagnostics = disc.diagnostics;
  if (disc.usage_error) {
    result.usage_error = true;
    return result;
  }

  // The file table: discovered files plus the package manifests (which are never read).
  std::map<std::string, std::pair<std::string, const DiscoveredFile*>> table;
  for (const auto& f : disc.files) table[f.path] = {f.format, &f};
  for (const auto& m : disc.manifests)
    table.emplace(m.path, std::make_pair(std::string("manifest"), nullptr));
  std::vector<Slot> slots;
  for (auto& [path, entry] : table) {
    g.file_by_path[path] = static_cast<uint32_t>(g.files.size());
    g.files.push_back(FileEntry{path, entry.first, nullptr});
    Slot s;
    s.format = entry.first;
    if (entry.second) {
      s.abs = entry.second->abs;
      s.named = entry.second->named;
      s.order = entry.second->order;
    }
    slots.push_back(std::move(s));
  }
  if (opt.cache) {
    // Entries of files no longer in the table go; every slot gets its own entry.
    auto& files = opt.cache->files;
    std::set<std::string> present;
    for (auto& s : slots) {
      if (s.abs.empty()) continue;
      present.insert(s.abs);
      auto& e = files[s.abs];
      if (!e) e = std::make_unique<ParseCache::Entry>();
      s.cached = e.get();
    }
    std::erase_if(files, [&](const auto& kv) { return !present.count(kv.first); });
  }

  parallel_for(slots.size(), opt.jobs, [&](size_t i) {
    if (slots[i].format != "manifest") load_file(opt, g, static_cast<uint32_t>(i), slots[i]);
  });
  for (size_t i = 0; i < slots.size(); ++i) g.files[i].format = slots[i].format;
  if (opt.cache) {
    opt.cache->hits = static_cast<size_t>(
        std::count_if(slots.begin(), slots.end(), [](const Slot& s) { return s.reused; }));
    opt.cache->misses = opt.cache->files.size() - opt.cache->hits;
  }

  std::vector<compose::Project> projects = compose_projects(opt, g, slots);
  std::vector<ParseOutput> project_out(projects.size());
  if (opt.cache) {
    build_projects(g, projects, project_out, *opt.cache);
  } else {
    parallel_for(projects.size(), opt.jobs,
                 [&](size_t i) { compose::build(projects[i], project_out[i]); });
  }

  for (auto& s : slots) append(g, s.out);
  for (auto& o : project_out) append(g, o);

  std::vector<std::shared_ptr<const terraform::ParsedFile>> tf_files;
  for (auto& s : slots) {
    if (s.terraform) tf_files.push_back(std::move(s.terraform));
  }
  terraform::build(g, tf_files, opt.terraform, opt.cache ? &opt.cache->terraform : nullptr);

  // One manifest resource per (ecosystem, directory), pointing at its first file.
  std::map<std::pair<std::string, std::string>, uint32_t> manifests;
  for (const auto& m : disc.manifests) {
    auto key = std::make_pair(m.ecosystem, m.directory);
    auto it = manifests.find(key);
    if (it == manifests.end()) {
      Value attrs = Value::map();
      attrs.set("ecosystem", Value::string(m.ecosystem));
      attrs.set("directory", Value::string(m.directory));
      attrs.set("files", Value::list());
      g.resources.push_back(make_resource("manifest", "manifest", m.ecosystem + ":" + m.directory,
                                          "manifest:" + m.ecosystem + ":" + m.directory,
                                          g.file_index(m.path), Span{}, std::move(attrs)));
      it = manifests.emplace(key, static_cast<uint32_t>(g.resources.size() - 1)).first;
    }
    g.resources[it->second].attributes.get("files")->items.push_back(Value::string(m.path));
  }

  compose::link(g);
  kubernetes::link(g);
  ci::link_dependabot(g);
  find_compose_secrets(g);
  g.finalize();
  return result;
}

}  // namespace infralint
