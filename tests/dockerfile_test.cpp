#include <gtest/gtest.h>

#include "parsers/dockerfile/dockerfile.hpp"

namespace infralint {
namespace {

struct Parsed {
  SourceFile src;
  ParseOutput out;
  const Resource* find(std::string_view address) const {
    for (const auto& r : out.resources) {
      if (r.address == address) return &r;
    }
    return nullptr;
  }
  Position at(const Value& v) const { return src.position(v.span.begin); }
  const Value& instruction(const Resource& stage, size_t i) const {
    return stage.attributes.get("instructions")->items.at(i);
  }
};

Parsed parse(const std::string& text) {
  Parsed p{SourceFile("app/Dockerfile", text), {}};
  dockerfile::parse(p.src, 0, p.out);
  return p;
}

TEST(Dockerfile, StagesAndAddresses) {
  auto p = parse(
      "FROM golang:1.22 AS build\nRUN go build\nFROM gcr.io/distroless/base\nCOPY --from=build /a "
      "/a\n");
  ASSERT_EQ(p.out.resources.size(), 3u);
  const Resource* build = p.find("dockerfile:app/Dockerfile#build");
  const Resource* final_stage = p.find("dockerfile:app/Dockerfile#1");
  ASSERT_NE(build, nullptr);
  ASSERT_NE(final_stage, nullptr);
  EXPECT_EQ(build->attributes.get("image")->text, "golang:1.22");
  EXPECT_EQ(final_stage->attributes.get("image")->text, "gcr.io/distroless/base");
  EXPECT_TRUE(final_stage->attributes.get("final")->boolean);
  EXPECT_EQ(p.src.position(final_stage->span.begin).line, 3u);
  EXPECT_EQ(p.src.position(final_stage->span.end).line, 4u);
  // COPY --from names the earlier stage: an edge, and no image.
  bool copies = false;
  for (const auto& e : p.out.edges) copies |= e.kind == "copies_from" && e.to == 1 && e.from == 2;
  EXPECT_TRUE(copies);
}

TEST(Dockerfile, FromAStageIsNotAnImage) {
  auto p = parse("FROM node:20 AS base\nFROM base AS test\nUSER node\n");
  const Resource* test = p.find("dockerfile:app/Dockerfile#test");
  ASSERT_NE(test, nullptr);
  EXPECT_TRUE(test->attributes.get("image")->is_null());
  EXPECT_EQ(test->attributes.get("from_stage")->text, "base");
  // The container facet of the final stage takes the image of the stage it builds on.
  ASSERT_EQ(test->facets.size(), 1u);
  EXPECT_EQ(test->facets[0].attributes.at({"image", "tag"})->text, "20");
  EXPECT_EQ(test->facets[0].attributes.get("user")->text, "node");
}

TEST(Dockerfile, GlobalArgsResolveInFrom) {
  auto p = parse(
      "ARG PY=3.12\nARG VARIANT\nFROM python:${PY}-slim\nFROM python:${VARIANT}\nFROM "
      "python:${MISSING:-3.11}\n");
  EXPECT_EQ(p.find("dockerfile:app/Dockerfile#0")->attributes.get("image")->text,
            "python:3.12-slim");
  // An ARG without a default is set at build time: unknown, keeping its text.
  const Value* unknown = p.find("dockerfile:app/Dockerfile#1")->attributes.get("image");
  EXPECT_TRUE(unknown->is_unknown());
  EXPECT_EQ(unknown->text, "python:${VARIANT}");
  EXPECT_EQ(p.find("dockerfile:app/Dockerfile#2")->attributes.get("image")->text, "python:3.11");
}

TEST(Dockerfile, ContinuationsCommentsAndPositions) {
  auto p = parse(
      "FROM alpine:3.19\n"
      "RUN apk add \\\n"
      "# a comment inside the continuation\n"
      "\n"
      "    curl \\\n"
      "    git\n"
      "USER 1000\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#0");
  const Value& run = p.instruction(*s, 1);
  EXPECT_EQ(run.get("instruction")->text, "RUN");
  EXPECT_EQ(run.get("value")->text, "apk add     curl     git");
  EXPECT_EQ(p.at(run).line, 2u);
  EXPECT_EQ(p.src.position(run.span.end).line, 6u);
  const Value& user = p.instruction(*s, 2);
  EXPECT_EQ(p.at(*user.get("value")).line, 7u);
  EXPECT_EQ(p.at(*user.get("value")).column, 6u);
  EXPECT_EQ(s->attributes.get("user")->text, "1000");
}

TEST(Dockerfile, EscapeDirectiveBacktick) {
  auto p = parse(
      "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    c:\\\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#0");
  EXPECT_EQ(p.instruction(*s, 1).get("value")->text, "dir     c:\\");
  EXPECT_EQ(p.out.resources[0].attributes.at({"directives", "escape"})->text, "`");
}

TEST(Dockerfile, SyntaxDirectiveOnlyAtTheTop) {
  auto p = parse("# syntax=docker/dockerfile:1.7\n# comment\n# escape=`\nFROM scratch\n");
  const Value* d = p.out.resources[0].attributes.get("directives");
  EXPECT_EQ(d->get("syntax")->text, "docker/dockerfile:1.7");
  EXPECT_EQ(d->get("escape"), nullptr);  // after a plain comment it is a comment
}

TEST(Dockerfile, JsonAndShellForms) {
  auto p = parse("FROM alpine\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT [not json\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#0");
  const Value& cmd = p.instruction(*s, 1);
  EXPECT_EQ(cmd.get("form")->text, "exec");
  ASSERT_EQ(cmd.get("exec")->items.size(), 3u);
  EXPECT_EQ(cmd.get("exec")->items[2].text, "daemon off;");
  EXPECT_EQ(p.instruction(*s, 2).get("form")->text, "shell");
}

TEST(Dockerfile, Heredocs) {
  auto p = parse(
      "FROM alpine\n"
      "RUN <<EOF\napk add curl\nEOF\n"
      "RUN <<-'A' cat > /x && <<\"B\" sh\n\tone\n\tA\ntwo\nB\n"
      "COPY <<EOF /etc/conf\nkey=value\nEOF\n"
      "USER nobody\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#0");
  const Value& run1 = p.instruction(*s, 1);
  EXPECT_EQ(run1.at({"heredocs"})->items[0].get("body")->text, "apk add curl\n");
  const Value& run2 = p.instruction(*s, 2);
  ASSERT_EQ(run2.get("heredocs")->items.size(), 2u);
  EXPECT_EQ(run2.get("heredocs")->items[0].get("delimiter")->text, "A");
  EXPECT_EQ(run2.get("heredocs")->items[0].get("body")->text, "one\n");  // <<- strips tabs
  EXPECT_EQ(run2.get("heredocs")->items[1].get("body")->text, "two\n");
  const Value& copy = p.instruction(*s, 3);
  EXPECT_EQ(copy.get("instruction")->text, "COPY");
  EXPECT_EQ(copy.get("heredocs")->items[0].get("body")->text, "key=value\n");
  EXPECT_EQ(p.at(p.instruction(*s, 4)).line, 13u);
  EXPECT_TRUE(p.out.diagnostics.empty());
}

TEST(Dockerfile, UnterminatedHeredocIsAnError) {
  auto p = parse("FROM alpine\nRUN <<EOF\necho never closed\n");
  ASSERT_EQ(p.out.diagnostics.size(), 1u);
  EXPECT_EQ(p.out.diagnostics[0].severity, Severity::Error);
  EXPECT_EQ(p.out.diagnostics[0].start.line, 2u);
  EXPECT_NE(p.out.diagnostics[0].message.find("unterminated heredoc"), std::string::npos);
}

TEST(Dockerfile, FlagsAreParsed) {
  auto p = parse(
      "FROM --platform=$BUILDPLATFORM node:20 AS b\n"
      "COPY --chown=app:app --chmod=0755 src/ /app/\n"
      "RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm npm ci\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#b");
  EXPECT_EQ(s->attributes.get("platform")->text, "$BUILDPLATFORM");
  EXPECT_EQ(s->attributes.get("image")->text, "node:20");
  EXPECT_EQ(p.instruction(*s, 1).at({"flags", "chown"})->text, "app:app");
  const Value* mounts = p.instruction(*s, 2).at({"flags", "mount"});
  ASSERT_TRUE(mounts->is_list());
  EXPECT_EQ(mounts->items.size(), 2u);
  EXPECT_EQ(p.instruction(*s, 2).get("value")->text, "npm ci");
}

TEST(Dockerfile, EnvAndArgInsideAStage) {
  auto p = parse(
      "FROM alpine\nARG V=1.2\nENV APP_V=$V OTHER=\"a b\"\nENV LEGACY some value\nUSER ${APP_V}\n");
  const Resource* s = p.find("dockerfile:app/Dockerfile#0");
  EXPECT_EQ(s->attributes.at({"env", "APP_V"})->text, "1.2");
  EXPECT_EQ(s->attributes.at({"env", "OTHER"})->text, "a b");
  EXPECT_EQ(s->attributes.at({"env", "LEGACY"})->text, "some value");
  EXPECT_EQ(s->attributes.get("user")->text, "1.2");
}

TEST(Dockerfile, HealthcheckAndNone) {
  auto p = parse(
      "FROM a AS x\nHEALTHCHECK --interval=5s --retries=3 CMD curl -f http://l/\nFROM "
      "b\nHEALTHCHECK NONE\n");
  const Value* hc = p.find("dockerfile:app/Dockerfile#x")->attributes.get("healthcheck");
  EXPECT_FALSE(hc->get("disabled")->boolean);
  EXPECT_EQ(hc->get("interval")->text, "5s");
  EXPECT_EQ(hc->get("retries")->text, "3");
  EXPECT_EQ(hc->get("test")->text, "curl -f http://l/");
  EXPECT_TRUE(
      p.find("dockerfile:app/Dockerfile#1")->attributes.at({"healthcheck", "disabled"})->boolean);
}

TEST(Dockerfile, OnlyCommentsIsAWarning) {
  auto p = parse("# just a comment\n# another\n");
  EXPECT_EQ(p.out.resources.size(), 1u);  // the file itself
  ASSERT_EQ(p.out.diagnostics.size(), 1u);
  EXPECT_EQ(p.out.diagnostics[0].severity, Severity::Warning);
  EXPECT_NE(p.out.diagnostics[0].message.find("no instructions"), std::string::npos);
}

TEST(Dockerfile, InstructionBeforeFromIsAnError) {
  auto p = parse("RUN echo hi\nFROM alpine\n");
  ASSERT_EQ(p.out.diagnostics.size(), 1u);
  EXPECT_EQ(p.out.diagnostics[0].start.line, 1u);
  EXPECT_NE(p.out.diagnostics[0].message.find("before the first FROM"), std::string::npos);
}

}  // namespace
}  // namespace infralint
