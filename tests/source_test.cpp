#include <gtest/gtest.h>

#include "engine/source.hpp"
#include "engine/value.hpp"

namespace infralint {
namespace {

TEST(SourceFile, LinesAndCodePointColumns) {
  // "é" is two bytes, "€" three; columns count code points, a tab counts as one.
  SourceFile f("x", "ab\n\té€x\nlast");
  EXPECT_EQ(f.line_count(), 3u);
  EXPECT_EQ(f.position(0).line, 1u);
  EXPECT_EQ(f.position(1).column, 2u);
  // Line 2 starts at byte 3: '\t' (3), 'é' (4-5), '€' (6-8), 'x' (9).
  EXPECT_EQ(f.position(9).line, 2u);
  EXPECT_EQ(f.position(9).column, 4u);
  EXPECT_EQ(f.offset_of(1, 3), 9u);
  EXPECT_EQ(f.position(11).line, 3u);
  EXPECT_EQ(f.position(11).column, 1u);
}

TEST(SourceFile, CrLfAndLoneCrEndLines) {
  SourceFile f("x", "a\r\nb\rc");
  EXPECT_EQ(f.line_count(), 3u);
  EXPECT_EQ(f.line_text(0), "a");
  EXPECT_EQ(f.line_text(1), "b");
  EXPECT_EQ(f.line_text(2), "c");
  EXPECT_EQ(f.position(3).line, 2u);
}

TEST(SourceFile, ByteOrderMarkIsInvisible) {
  SourceFile f("x", "\xEF\xBB\xBFkey: v\n");
  EXPECT_TRUE(f.had_bom());
  EXPECT_EQ(f.text(), "key: v\n");
  EXPECT_EQ(f.position(0).column, 1u);
}

TEST(SourceFile, OffsetsPastTheEndClamp) {
  SourceFile f("x", "abc");
  EXPECT_EQ(f.position(100).column, 4u);
  EXPECT_EQ(f.offset_of(7, 0), 3u);
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(first_invalid_utf8("plain"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("é€😀"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(first_invalid_utf8("a\xC3"), 1u);         // truncated sequence
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);      // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);  // UTF-16 surrogate
}

TEST(Numbers, YamlCoreSchema) {
  double v = 0;
  EXPECT_TRUE(parse_number("42", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(parse_number("-0.5", v));
  EXPECT_EQ(v, -0.5);
  EXPECT_TRUE(parse_number("1e3", v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(parse_number("0x1F", v));
  EXPECT_EQ(v, 31);
  EXPECT_TRUE(parse_number("0o17", v));
  EXPECT_EQ(v, 15);
  EXPECT_FALSE(parse_number("8080:80", v));
  EXPECT_FALSE(parse_number("1.2.3", v));
  EXPECT_FALSE(parse_number("e5", v));
  EXPECT_FALSE(parse_number("", v));
}

}  // namespace
}  // namespace infralint
