#include <gtest/gtest.h>

#include <string>

#include "common/quote.h"
#include "common/utf8.h"

namespace dc {
namespace {

TEST(QuoteForDetail, EscapesNonPrintableBytesAndCutsLongInput) {
  EXPECT_EQ(QuoteForDetail("abc"), "'abc'");
  EXPECT_EQ(QuoteForDetail(std::string("a\n\xff", 3)), "'a\\x0a\\xff'");
  EXPECT_EQ(QuoteForDetail(std::string(100, 'x')), "'" + std::string(64, 'x') + "...'");
}

TEST(ToValidUtf8, KeepsValidTextAndReplacesInvalidBytes) {
  EXPECT_EQ(ToValidUtf8("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(ToValidUtf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xed\xa0\x80"),                            // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xe2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
}

}  // namespace
}  // namespace dc
