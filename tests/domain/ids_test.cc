#include "domain/ids.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace dc {
namespace {

using std::string_literals::operator""s;

TEST(IsValidOrgId, Lengths) {
  EXPECT_FALSE(IsValidOrgId(""));
  EXPECT_TRUE(IsValidOrgId("a"));
  EXPECT_TRUE(IsValidOrgId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidOrgId(std::string(129, 'a')));
  // A generated id: 44 characters of standard base64.
  EXPECT_TRUE(IsValidOrgId("q2m8X0a7bk+/Zz9QvWc1L3pN4rT5sU6yH7jK8dF9gE0="));
}

TEST(IsValidOrgId, Characters) {
  EXPECT_TRUE(IsValidOrgId("AZaz09+/=._~-"));
  EXPECT_TRUE(IsValidOrgId("a-"));
  EXPECT_TRUE(IsValidOrgId("+abc"));
  EXPECT_TRUE(IsValidOrgId("~"));
  EXPECT_FALSE(IsValidOrgId("-"));
  EXPECT_FALSE(IsValidOrgId("-abc"));
  EXPECT_FALSE(IsValidOrgId("--org"));
  for (char c : " !\"#$%&'()*,:;<>?@[\\]^`{|}\t\n\x7f"s) {
    EXPECT_FALSE(IsValidOrgId("ab"s + c + "cd")) << static_cast<int>(c);
  }
  EXPECT_FALSE(IsValidOrgId("ab\0cd"s));
  EXPECT_FALSE(IsValidOrgId("caf\xC3\xA9"));
  EXPECT_FALSE(IsValidOrgId("\xFF"));
}

TEST(IsValidApiKey, Lengths) {
  EXPECT_FALSE(IsValidApiKey(""));
  EXPECT_FALSE(IsValidApiKey("k"));
  EXPECT_FALSE(IsValidApiKey(std::string(15, 'k')));
  EXPECT_TRUE(IsValidApiKey(std::string(16, 'k')));
  EXPECT_TRUE(IsValidApiKey(std::string(128, 'k')));
  EXPECT_FALSE(IsValidApiKey(std::string(129, 'k')));
  // A generated key: 36 lowercase hex characters.
  EXPECT_TRUE(IsValidApiKey("0123456789abcdef0123456789abcdef0123"));
}

TEST(IsValidApiKey, Characters) {
  EXPECT_TRUE(IsValidApiKey("!\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~"));
  EXPECT_TRUE(IsValidApiKey("-starts-with-a-dash"));
  const std::string base(20, 'k');
  EXPECT_FALSE(IsValidApiKey(base + " "));
  EXPECT_FALSE(IsValidApiKey(" " + base));
  EXPECT_FALSE(IsValidApiKey("kkkkkkkk kkkkkkkk"));
  EXPECT_FALSE(IsValidApiKey(base + "\x7f"));
  EXPECT_FALSE(IsValidApiKey(base + "\t"));
  EXPECT_FALSE(IsValidApiKey(base + "\n"));
  EXPECT_FALSE(IsValidApiKey(base + "\x1f"));
  EXPECT_FALSE(IsValidApiKey(base + "\0"s));
  EXPECT_FALSE(IsValidApiKey(base + "\x80"));
  EXPECT_FALSE(IsValidApiKey(base + "\xFF"));
  EXPECT_FALSE(IsValidApiKey(base + "\xC3\xA9"));
}

TEST(IsValidInputId, LengthsAndCharacters) {
  EXPECT_FALSE(IsValidInputId(""));
  EXPECT_TRUE(IsValidInputId("s"));
  EXPECT_TRUE(IsValidInputId(std::string(64, 's')));
  EXPECT_FALSE(IsValidInputId(std::string(65, 's')));
  EXPECT_TRUE(IsValidInputId("senq2m8x0a7bk"));
  EXPECT_TRUE(IsValidInputId("AZaz09_-"));
  EXPECT_TRUE(IsValidInputId("-leading-dash"));
  EXPECT_TRUE(IsValidInputId("_"));
  for (char c : " !\"#$%&'()*+,./:;<=>?@[\\]^`{|}~\t\n\x7f"s) {
    EXPECT_FALSE(IsValidInputId("sen"s + c + "x")) << static_cast<int>(c);
  }
  EXPECT_FALSE(IsValidInputId("sen\0x"s));
  EXPECT_FALSE(IsValidInputId("sen\xC3\xA9"));
}

TEST(IsValidName, LengthsInBytes) {
  EXPECT_FALSE(IsValidName(""));
  EXPECT_TRUE(IsValidName("x"));
  EXPECT_TRUE(IsValidName(std::string(200, 'x')));
  EXPECT_FALSE(IsValidName(std::string(201, 'x')));
  // 100 two-byte characters are 200 bytes; 101 are too many.
  std::string e_acute;
  for (int i = 0; i < 100; ++i) e_acute += "\xC3\xA9";
  EXPECT_TRUE(IsValidName(e_acute));
  EXPECT_FALSE(IsValidName(e_acute + "\xC3\xA9"));
  EXPECT_FALSE(IsValidName(e_acute + "x"));
}

TEST(IsValidName, Characters) {
  EXPECT_TRUE(IsValidName("Pump 3 (north) — flow"));
  EXPECT_TRUE(IsValidName("Température"));
  EXPECT_TRUE(IsValidName("温度センサー"));
  EXPECT_TRUE(IsValidName("🌡️ sensor"));
  EXPECT_TRUE(IsValidName(" padded "));
  EXPECT_TRUE(IsValidName("\"quoted\" \\ / <b>"));
  EXPECT_TRUE(
      IsValidName("\xEF\xBB\xBF"
                  "bom"));
  EXPECT_TRUE(IsValidName("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidName("\xEE\x80\x80"));      // U+E000, private use
  for (char c = 0; c < 0x20; ++c) {
    EXPECT_FALSE(IsValidName("a"s + c + "b")) << static_cast<int>(c);
  }
  EXPECT_FALSE(
      IsValidName("a\x7f"
                  "b"));
  EXPECT_FALSE(IsValidName("line\nbreak"));
  EXPECT_FALSE(IsValidName("tab\there"));
  EXPECT_FALSE(IsValidName("nul\0"s));
}

TEST(IsValidName, OnlySpaces) {
  EXPECT_FALSE(IsValidName(" "));
  EXPECT_FALSE(IsValidName("   "));
  EXPECT_FALSE(IsValidName(std::string(200, ' ')));
  EXPECT_FALSE(IsValidName("\xC2\xA0"));                  // U+00A0 no-break space
  EXPECT_FALSE(IsValidName(" \xE3\x80\x80 "));            // U+3000 ideographic space
  EXPECT_FALSE(IsValidName("\xE2\x80\x83\xE2\x80\xAF"));  // U+2003, U+202F
  EXPECT_TRUE(IsValidName(" . "));
  EXPECT_TRUE(IsValidName("   x"));
}

TEST(IsValidName, InvalidUtf8) {
  for (std::string_view text : {
           "\x80",  // continuation byte alone
           "a\xBF"
           "b",                         // continuation byte alone
           "\xC3",                      // truncated two-byte
           "\xC3x",                     // lead then ASCII
           "\xE2\x82",                  // truncated three-byte
           "\xF0\x9F\x8C",              // truncated four-byte
           "\xC0\xAF",                  // overlong '/'
           "\xC1\xBF",                  // overlong
           "\xC0\x80",                  // overlong NUL
           "\xE0\x80\xAF",              // overlong '/'
           "\xE0\x9F\xBF",              // overlong U+07FF
           "\xF0\x80\x80\xAF",          // overlong '/'
           "\xF0\x8F\xBF\xBF",          // overlong U+FFFF
           "\xED\xA0\x80",              // U+D800, surrogate
           "\xED\xBF\xBF",              // U+DFFF, surrogate
           "\xED\xA0\xBD\xED\xB8\x80",  // CESU-8 surrogate pair
           "\xF4\x90\x80\x80",          // U+110000
           "\xF5\x80\x80\x80",          // lead byte past U+10FFFF
           "\xF8\x88\x80\x80\x80",      // five-byte form
           "\xFC\x84\x80\x80\x80\x80",  // six-byte form
           "\xFE",
           "\xFF",
           "ok\xE2\x82\xACok\xE2\x82",  // valid euro, then truncated
       }) {
    EXPECT_FALSE(IsValidName(text)) << ::testing::PrintToString(std::string(text));
    EXPECT_FALSE(IsValidMeasureUnit(text)) << ::testing::PrintToString(std::string(text));
  }
  // The boundaries of each form are valid.
  for (std::string_view text :
       {"\x7e", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidMeasureUnit(text)) << ::testing::PrintToString(std::string(text));
  }
}

TEST(IsValidMeasureUnit, LengthsAndCharacters) {
  EXPECT_TRUE(IsValidMeasureUnit(""));
  EXPECT_TRUE(IsValidMeasureUnit(" "));
  EXPECT_TRUE(IsValidMeasureUnit("°C"));
  EXPECT_TRUE(IsValidMeasureUnit("m³/h"));
  EXPECT_TRUE(IsValidMeasureUnit("µg/m³"));
  EXPECT_TRUE(IsValidMeasureUnit(std::string(50, 'u')));
  EXPECT_FALSE(IsValidMeasureUnit(std::string(51, 'u')));
  EXPECT_TRUE(IsValidMeasureUnit(std::string(48, 'u') + "\xC2\xB0"));
  EXPECT_FALSE(IsValidMeasureUnit(std::string(49, 'u') + "\xC2\xB0"));
  EXPECT_FALSE(IsValidMeasureUnit("k\tW"));
  EXPECT_FALSE(IsValidMeasureUnit("kW\n"));
  EXPECT_FALSE(IsValidMeasureUnit("kW\x7f"));
  EXPECT_FALSE(IsValidMeasureUnit("\0"s));
}

TEST(ParseDataSource, CaseInsensitive) {
  EXPECT_EQ(ParseDataSource("API"), DataSource::kApi);
  EXPECT_EQ(ParseDataSource("api"), DataSource::kApi);
  EXPECT_EQ(ParseDataSource("Api"), DataSource::kApi);
  EXPECT_EQ(ParseDataSource("MQTT"), DataSource::kMqtt);
  EXPECT_EQ(ParseDataSource("mqtt"), DataSource::kMqtt);
  EXPECT_EQ(ParseDataSource("mQtT"), DataSource::kMqtt);
  for (std::string_view text :
       {"", "AP", "APIS", " API", "API ", "HTTP", "MQT", "MQTTS", "\xC3\xA1pi"}) {
    EXPECT_EQ(ParseDataSource(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParseDataSource("AP\0"s), std::nullopt);
}

}  // namespace
}  // namespace dc
