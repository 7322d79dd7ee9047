#include <gtest/gtest.h>

#include "helpers.hpp"
#include "parsers/compose/interpolate.hpp"

namespace infralint {
namespace {

using test::find_resource;
using test::has_edge;
using test::range;
using test::TempTree;

TEST(ComposeInterpolation, Forms) {
  compose::Env env{{"SET", "v"}, {"EMPTY", ""}};
  auto val = [&](std::string_view s) {
    return compose::interpolate(s, env).value.value_or("<unknown>");
  };
  EXPECT_EQ(val("${SET}"), "v");
  EXPECT_EQ(val("$SET/x"), "v/x");
  EXPECT_EQ(val("${UNSET:-d}"), "d");
  EXPECT_EQ(val("${EMPTY:-d}"), "d");
  EXPECT_EQ(val("${EMPTY-d}"), "");
  EXPECT_EQ(val("${UNSET-d}"), "d");
  EXPECT_EQ(val("${SET:+alt}"), "alt");
  EXPECT_EQ(val("${UNSET:+alt}"), "");
  EXPECT_EQ(val("${UNSET:-${SET}}"), "v");
  EXPECT_EQ(val("$$HOME"), "$HOME");
  EXPECT_EQ(val("${SET:?must be set}"), "v");
  // An unset variable without a default is unknown, not empty.
  EXPECT_EQ(val("${UNSET}"), "<unknown>");
  EXPECT_EQ(val("${UNSET:?must be set}"), "<unknown>");
  EXPECT_EQ(val("pre-${UNSET:-${ALSO_UNSET}}"), "<unknown>");
  EXPECT_FALSE(compose::interpolate("${BROKEN", env).error.empty());
  EXPECT_TRUE(compose::interpolate("${SET}", env).used_env);
  EXPECT_FALSE(compose::interpolate("${UNSET:-d}", env).used_env);
}

TEST(ComposeInterpolation, EnvFile) {
  auto env = compose::parse_env_file(
      "# comment\nA=1\nexport B = two\nC='lit $A'\nD=\"x\\ny $A\"\nE=val # comment\n\nbroken "
      "line\n");
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "two");
  EXPECT_EQ(env["C"], "lit $A");
  EXPECT_EQ(env["D"], "x\ny 1");
  EXPECT_EQ(env["E"], "val");
  EXPECT_EQ(env.count("broken line"), 0u);
}

TEST(Compose, ServicesAndTopLevelResources) {
  TempTree t;
  t.write("compose.yaml",
          "services:\n"
          "  web:\n"
          "    image: nginx:1.25\n"
          "    depends_on: [api]\n"
          "    networks: [front]\n"
          "  api:\n"
          "    image: registry.local:5000/api\n"
          "    secrets: [db_pw]\n"
          "    volumes: [\"data:/data\", ./src:/src]\n"
          "networks:\n  front: {}\n"
          "volumes:\n  data: {}\n"
          "secrets:\n  db_pw:\n    file: ./pw.txt\n");
  Graph g = test::load_tree(t);
  const Resource* web = find_resource(g, "compose:web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->type, "compose_service");
  EXPECT_EQ(g.position(web->file, web->span.begin).line, 2u);
  EXPECT_EQ(range(g, *web->attributes.get("image")), "3:12-3:22");
  ASSERT_NE(find_resource(g, "compose:network/front"), nullptr);
  ASSERT_NE(find_resource(g, "compose:volume/data"), nullptr);
  ASSERT_NE(find_resource(g, "compose:secret/db_pw"), nullptr);
  EXPECT_TRUE(has_edge(g, "compose:web", "compose:api", "depends_on"));
  EXPECT_TRUE(has_edge(g, "compose:web", "compose:network/front", "uses_network"));
  EXPECT_TRUE(has_edge(g, "compose:api", "compose:secret/db_pw", "uses_secret"));
  EXPECT_TRUE(has_edge(g, "compose:api", "compose:volume/data", "uses_volume"));
  // The container facet parses the image: a registry port is not a tag.
  const Resource* api = find_resource(g, "compose:api");
  ASSERT_EQ(api->facets.size(), 1u);
  const Value& image = *api->facets[0].attributes.get("image");
  EXPECT_EQ(image.get("registry")->text, "registry.local:5000");
  EXPECT_EQ(image.get("repository")->text, "api");
  EXPECT_TRUE(image.get("tag")->is_null());
}

TEST(Compose, InterpolationWithDotEnvAndUnknowns) {
  TempTree t;
  t.write(".env", "TAG=7.2.4\n");
  t.write("docker-compose.yml",
          "services:\n"
          "  cache:\n"
          "    image: redis:${TAG}\n"
          "  db:\n"
          "    image: postgres:${PG_TAG:-15.4}\n"
          "  other:\n"
          "    image: app:${NOT_SET}\n"
          "    environment:\n"
          "      - PLAIN=yes\n"
          "      - FROM_SHELL\n");
  Graph g = test::load_tree(t);
  const Value* cache = find_resource(g, "compose:cache")->attributes.get("image");
  EXPECT_EQ(cache->text, "redis:7.2.4");
  EXPECT_TRUE(cache->sensitive);  // values from .env are masked in every output
  const Value* db = find_resource(g, "compose:db")->attributes.get("image");
  EXPECT_EQ(db->text, "postgres:15.4");
  EXPECT_FALSE(db->sensitive);
  const Resource* other = find_resource(g, "compose:other");
  EXPECT_TRUE(other->attributes.get("image")->is_unknown());
  EXPECT_TRUE(other->facets[0].attributes.get("image")->is_unknown());
  // The list form of environment becomes a map; a bare name comes from the shell: unknown.
  EXPECT_EQ(other->attributes.at({"environment", "PLAIN"})->text, "yes");
  EXPECT_TRUE(other->attributes.at({"environment", "FROM_SHELL"})->is_unknown());
}

TEST(Compose, MergeKeysAndAnchors) {
  TempTree t;
  t.write("compose.yaml",
          "x-defaults: &defaults\n"
          "  restart: always\n"
          "  healthcheck:\n"
          "    test: [\"CMD\", \"true\"]\n"
          "services:\n"
          "  a:\n"
          "    <<: *defaults\n"
          "    image: a:1\n"
          "  b:\n"
          "    <<: *defaults\n"
          "    restart: \"no\"\n"
          "    image: b:1\n");
  Graph g = test::load_tree(t);
  const Resource* a = find_resource(g, "compose:a");
  EXPECT_EQ(a->attributes.get("restart")->text, "always");
  // Merged values keep the anchor's location.
  EXPECT_EQ(range(g, *a->attributes.get("restart")), "2:12-2:18");
  EXPECT_NE(a->facets[0].attributes.get("healthcheck"), nullptr);
  EXPECT_FALSE(a->facets[0].attributes.get("healthcheck")->is_null());
  EXPECT_EQ(find_resource(g, "compose:b")->attributes.get("restart")->text, "no");
}

TEST(Compose, OverrideFileMerges) {
  TempTree t;
  t.write("docker-compose.yml",
          "services:\n  web:\n    image: web:1\n    ports: [\"80:80\"]\n    command: [a]\n");
  t.write("docker-compose.override.yml",
          "services:\n  web:\n    image: web:2\n    ports: [\"443:443\"]\n    command: [b]\n  "
          "extra:\n    image: x:1\n");
  Graph g = test::load_tree(t);
  const Resource* web = find_resource(g, "compose:web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->attributes.get("image")->text, "web:2");
  ASSERT_EQ(web->attributes.get("ports")->items.size(), 2u);    // lists append
  ASSERT_EQ(web->attributes.get("command")->items.size(), 1u);  // commands replace
  EXPECT_EQ(web->attributes.get("command")->items[0].text, "b");
  // The overriding value points into the override file.
  EXPECT_EQ(g.files[web->attributes.get("image")->file].path, "docker-compose.override.yml");
  EXPECT_NE(find_resource(g, "compose:extra"), nullptr);
}

TEST(Compose, NonDefaultFilesAreTheirOwnProjects) {
  TempTree t;
  t.write("docker-compose.yml", "services:\n  web:\n    image: web:1\n");
  t.write("docker-compose.prod.yml", "services:\n  web:\n    image: web:prod\n");
  t.write("sub/compose.yaml", "services:\n  web:\n    image: web:sub\n");
  Graph g = test::load_tree(t);
  EXPECT_EQ(find_resource(g, "compose:web")->attributes.get("image")->text, "web:1");
  EXPECT_EQ(find_resource(g, "docker-compose.prod.yml:compose:web")->attributes.get("image")->text,
            "web:prod");
  EXPECT_EQ(find_resource(g, "sub:compose:web")->attributes.get("image")->text, "web:sub");
}

TEST(Compose, FilesNamedTogetherMergeInOrder) {
  TempTree t;
  const auto a = t.write("a.yml", "services:\n  web:\n    image: web:a\n    restart: always\n");
  const auto b = t.write("b.yml", "services:\n  web:\n    image: web:b\n");
  LoadOptions opt;
  opt.discover.paths = {b.string(), a.string()};
  opt.discover.forced_type = "compose";
  Graph g = load(opt).graph;
  const Resource* web = nullptr;
  for (const auto& r : g.resources) {
    if (r.type == "compose_service") web = &r;
  }
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->attributes.get("image")->text, "web:a");  // -f b -f a: a wins
  EXPECT_EQ(web->attributes.get("restart")->text, "always");
}

TEST(Compose, Extends) {
  TempTree t;
  t.write("common.yml", "services:\n  base:\n    image: base:1\n    user: app\n");
  t.write("compose.yaml",
          "services:\n"
          "  local:\n    image: local:1\n    restart: always\n"
          "  web:\n    extends: local\n    user: web\n"
          "  other:\n    extends:\n      file: common.yml\n      service: base\n"
          "  loop:\n    extends: loop\n");
  Graph g = test::load_tree(t);
  const Resource* web = find_resource(g, "compose:web");
  EXPECT_EQ(web->attributes.get("image")->text, "local:1");
  EXPECT_EQ(web->attributes.get("user")->text, "web");
  const Resource* other = find_resource(g, "compose:other");
  EXPECT_EQ(other->attributes.get("image")->text, "base:1");
  EXPECT_EQ(g.files[other->attributes.get("image")->file].path, "common.yml");
  bool cycle = false;
  for (const auto& d : g.diagnostics) cycle |= d.message.find("extends cycle") != std::string::npos;
  EXPECT_TRUE(cycle);
}

TEST(Compose, BuildEdgeToDockerfileAndTargetStage) {
  TempTree t;
  t.write("app/Dockerfile",
          "FROM node:20 AS deps\nFROM node:20-slim AS runtime\nFROM runtime AS debug\n");
  t.write("app/Dockerfile.dev", "FROM node:20\n");
  t.write("compose.yaml",
          "services:\n"
          "  api:\n    build: ./app\n"
          "  worker:\n    build:\n      context: app\n      target: runtime\n"
          "  dev:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.dev\n");
  Graph g = test::load_tree(t);
  EXPECT_TRUE(has_edge(g, "compose:api", "dockerfile:app/Dockerfile", "builds_from"));
  EXPECT_TRUE(has_edge(g, "compose:api", "dockerfile:app/Dockerfile#debug", "builds_from"));
  EXPECT_TRUE(has_edge(g, "compose:worker", "dockerfile:app/Dockerfile#runtime", "builds_from"));
  EXPECT_FALSE(has_edge(g, "compose:worker", "dockerfile:app/Dockerfile#debug", "builds_from"));
  EXPECT_TRUE(has_edge(g, "compose:dev", "dockerfile:app/Dockerfile.dev", "builds_from"));
}

TEST(Compose, DetectedByContent) {
  TempTree t;
  t.write("deploy/stack.yml", "services:\n  web:\n    image: web:1\n");
  Graph g = test::load_tree(t);
  EXPECT_NE(find_resource(g, "deploy/stack.yml:compose:web"), nullptr);
  EXPECT_EQ(g.files[g.file_index("deploy/stack.yml")].format, "compose");
}

}  // namespace
}  // namespace infralint
