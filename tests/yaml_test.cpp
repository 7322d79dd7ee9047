#include <gtest/gtest.h>

#include "parsers/yaml/yaml.hpp"

namespace infralint {
namespace {

yaml::Result parse(const std::string& text, yaml::Options opt = {}) {
  const SourceFile f("f.yaml", text);
  return yaml::parse(f, 0, opt);
}

TEST(Yaml, ScalarsResolveByCoreSchemaPlusYaml11Booleans) {
  auto r = parse("a: 1\nb: '1'\nc: yes\nd: ~\ne: on\nf: 1.5\ng: text\nh: \"true\"\non: push\n");
  ASSERT_EQ(r.documents.size(), 1u);
  const Value& m = r.documents[0].root;
  EXPECT_EQ(m.get("a")->kind, ValueKind::Number);
  EXPECT_EQ(m.get("b")->kind, ValueKind::String);
  EXPECT_TRUE(m.get("b")->quoted);
  EXPECT_EQ(m.get("c")->kind, ValueKind::Bool);
  EXPECT_TRUE(m.get("c")->boolean);
  EXPECT_EQ(m.get("d")->kind, ValueKind::Null);
  EXPECT_TRUE(m.get("e")->boolean);
  EXPECT_EQ(m.get("f")->number, 1.5);
  EXPECT_EQ(m.get("g")->text, "text");
  EXPECT_EQ(m.get("h")->kind, ValueKind::String);
  // Keys are always strings: a workflow's `on:` is the key "on".
  ASSERT_NE(m.get("on"), nullptr);
  EXPECT_EQ(m.get("on")->text, "push");
}

TEST(Yaml, ValuesKnowTheirStartAndEnd) {
  SourceFile f("f.yaml", "top:\n  image: \"nginx:1.25\"\n  list: [a, bb]\n");
  auto r = yaml::parse(f, 0);
  const Value* image = r.documents[0].root.at({"top", "image"});
  ASSERT_NE(image, nullptr);
  // The quoted scalar spans from its opening to its closing quote: line 2, columns 10 to 22.
  EXPECT_EQ(f.position(image->span.begin).line, 2u);
  EXPECT_EQ(f.position(image->span.begin).column, 10u);
  EXPECT_EQ(f.position(image->span.end).column, 22u);
  const Value* bb = &r.documents[0].root.at({"top", "list"})->items[1];
  EXPECT_EQ(f.position(bb->span.begin).column, 13u);
  EXPECT_EQ(f.position(bb->span.end).column, 15u);
  const MapEntry* e = r.documents[0].root.get("top")->entry("list");
  EXPECT_EQ(f.position(e->key_span.begin).line, 3u);
  EXPECT_EQ(f.position(e->key_span.begin).column, 3u);
}

TEST(Yaml, MergeKeysFollowTheMergeKeyRules) {
  auto r = parse(
      "base: &b {x: 1, y: 1}\n"
      "other: &o {y: 2, z: 2}\n"
      "one:\n  <<: *b\n  x: 9\n"
      "many:\n  <<: [*b, *o]\n");
  const Value& root = r.documents[0].root;
  const Value* one = root.get("one");
  EXPECT_EQ(one->get("x")->number, 9);  // explicit keys win
  EXPECT_EQ(one->get("y")->number, 1);
  EXPECT_EQ(one->get("<<"), nullptr);
  const Value* many = root.get("many");
  EXPECT_EQ(many->get("y")->number, 1);  // earlier maps in the list win
  EXPECT_EQ(many->get("z")->number, 2);
}

TEST(Yaml, DuplicateKeysWarnAndTheLastWins) {
  auto r = parse("a: 1\nb: 2\na: 3\n");
  EXPECT_EQ(r.documents[0].root.get("a")->number, 3);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::Warning);
  EXPECT_EQ(r.diagnostics[0].start.line, 3u);
  EXPECT_EQ(r.diagnostics[0].start.column, 1u);
  EXPECT_NE(r.diagnostics[0].message.find("duplicate key \"a\""), std::string::npos);
}

TEST(Yaml, SeveralDocuments) {
  auto r = parse("a: 1\n---\nb: 2\n---\n");
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_NE(r.documents[1].root.get("b"), nullptr);
  EXPECT_TRUE(r.documents[2].root.is_null());
}

TEST(Yaml, AliasBombIsCappedQuickly) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + prev;
    bomb += "]\n";
    prev = c;
  }
  auto r = parse(bomb);  // its speed is measured by bench/, not asserted here
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].severity, Severity::Error);
  EXPECT_NE(r.diagnostics[0].message.find("alias expansion exceeds"), std::string::npos);
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_LE(r.documents[0].root.node_count(), 2 * yaml::Options{}.max_alias_nodes);
}

TEST(Yaml, DeepNestingStopsWithADiagnostic) {
  auto r = parse(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_TRUE(r.failed);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].message.find("nesting deeper than"), std::string::npos);
  EXPECT_EQ(r.diagnostics[0].start.line, 1u);
  EXPECT_EQ(r.diagnostics[0].start.column, 257u);
}

TEST(Yaml, TabIndentationIsExplained) {
  auto r = parse("a:\n\tb: 1\n");
  EXPECT_TRUE(r.failed);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].start.line, 2u);
  EXPECT_EQ(r.diagnostics[0].start.column, 1u);
  EXPECT_NE(r.diagnostics[0].message.find("tab character"), std::string::npos);
}

TEST(Yaml, SyntaxErrorHasItsPosition) {
  auto r = parse("a: [1, 2\nb: 3\n");
  EXPECT_TRUE(r.failed);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::Error);
  EXPECT_EQ(r.diagnostics[0].start.line, 2u);
}

TEST(Yaml, UndefinedAliasIsAnError) {
  auto r = parse("a: *nope\n");
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].message.find("alias"), std::string::npos);
}

TEST(Yaml, CrLfKeepsLinesRight) {
  SourceFile f("f.yaml", "a: 1\r\nb:\r\n  c: x\r\n");
  auto r = yaml::parse(f, 0);
  const Value* c = r.documents[0].root.at({"b", "c"});
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "x");
  EXPECT_EQ(f.position(c->span.begin).line, 3u);
  EXPECT_EQ(f.position(c->span.begin).column, 6u);
}

}  // namespace
}  // namespace infralint
