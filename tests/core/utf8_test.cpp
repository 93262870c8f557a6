#include "cuvee/core/utf8.h"

#include <gtest/gtest.h>

namespace cuvee {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(find_invalid_utf8("plain ascii text, long enough for the fast path"),
            std::string_view::npos);
  EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string_view::npos);
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("abc\xff"), 3u);
  EXPECT_EQ(find_invalid_utf8("ab\xc0\xaf"), 2u);         // overlong
  EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);       // surrogate
  EXPECT_EQ(find_invalid_utf8("x\xf4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("12345678\xe2\x82"), 8u);   // truncated
}

TEST(Utf8, FindsTheFirstBadByteOfLongText) {
  // Long enough for the SIMD validator's blocks: each fault at offsets around block edges.
  std::string text;
  while (text.size() < 1000) text += "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ascii ";
  EXPECT_EQ(find_invalid_utf8(text), std::string_view::npos);
  for (size_t at : {0, 31, 32, 63, 64, 65, 500, 999}) {
    for (std::string fault : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"}) {
      std::string bad = text.substr(0, at);
      // Cut back to a character boundary, so the fault is the first bad byte.
      while (!bad.empty() && (static_cast<unsigned char>(bad.back()) & 0xC0) == 0x80)
        bad.pop_back();
      if (!bad.empty() && static_cast<unsigned char>(bad.back()) >= 0xC0) bad.pop_back();
      const size_t expected = bad.size();
      bad += fault + text;
      EXPECT_EQ(find_invalid_utf8(bad), expected) << at << " " << fault.size();
    }
  }
  std::string truncated = text + "\xe2\x82";
  EXPECT_EQ(find_invalid_utf8(truncated), text.size());
}

}  // namespace
}  // namespace cuvee
