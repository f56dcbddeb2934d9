#include "domain/decimal.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "domain/quoted.h"

namespace dc {
namespace {

using ::dc::testing::Quoted;

// The parsed value; a failed parse fails the test with the error's detail.
double Parse(std::string_view text) {
  Result<double> value = ParseDecimal(text);
  EXPECT_TRUE(value.has_value()) << text << ": " << (value ? "" : value.error().detail());
  return value ? *value : std::numeric_limits<double>::quiet_NaN();
}

TEST(ParseDecimal, Accepts) {
  EXPECT_EQ(Parse("12.5"), 12.5);
  EXPECT_EQ(Parse("-3e2"), -300.0);
  EXPECT_EQ(Parse("+7"), 7.0);
  EXPECT_EQ(Parse("0"), 0.0);
  EXPECT_FALSE(std::signbit(Parse("0")));
  EXPECT_EQ(Parse("-0"), 0.0);
  EXPECT_TRUE(std::signbit(Parse("-0")));
  EXPECT_EQ(Parse("1E5"), 1e5);
  EXPECT_EQ(Parse("1e+5"), 1e5);
  EXPECT_EQ(Parse("1E-5"), 1e-5);
  EXPECT_EQ(Parse("0.5"), 0.5);
  EXPECT_EQ(Parse("-0.5"), -0.5);
  EXPECT_EQ(Parse("+0.5e1"), 5.0);
  EXPECT_EQ(Parse("0e0"), 0.0);
  EXPECT_EQ(Parse("1e007"), 1e7);
  EXPECT_EQ(Parse("40.73061"), 40.73061);
  EXPECT_EQ(Parse("-73.935242"), -73.935242);
  EXPECT_EQ(Parse("123456789012345678901234567890"), 123456789012345678901234567890.0);
  EXPECT_EQ(Parse("1.7976931348623157e308"), DBL_MAX);
  EXPECT_EQ(Parse("-1.7976931348623157e308"), -DBL_MAX);
  EXPECT_EQ(Parse("2.2250738585072014e-308"), DBL_MIN);
}

TEST(ParseDecimal, UnderflowBecomesNearestValue) {
  EXPECT_EQ(Parse("1e-400"), 0.0);
  EXPECT_FALSE(std::signbit(Parse("1e-400")));
  EXPECT_TRUE(std::signbit(Parse("-1e-400")));
  EXPECT_EQ(Parse("+1e-400"), 0.0);
  EXPECT_EQ(Parse("2e-324"), 0.0);  // below half the smallest subnormal
  constexpr double kTrueMin = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(Parse("3e-324"), kTrueMin);
  EXPECT_EQ(Parse("4.9406564584124654e-324"), kTrueMin);
  EXPECT_EQ(Parse("-3e-324"), -kTrueMin);
  EXPECT_EQ(Parse("1e-310"), 1e-310);
  EXPECT_EQ(Parse("1e-99999999999999999999999"), 0.0);
  EXPECT_EQ(Parse("0e99999999999999999999999"), 0.0);

  const std::string tiny = "0." + std::string(9998, '0') + "1";  // 10,000 digits
  EXPECT_EQ(Parse(tiny), 0.0);
  EXPECT_TRUE(std::signbit(Parse("-" + tiny)));
  // Many digits that are not tiny still read correctly.
  EXPECT_EQ(Parse("1." + std::string(10000, '0') + "1"), 1.0);
  EXPECT_EQ(Parse("0." + std::string(300, '0') + "5"), 5e-301);
}

TEST(ParseDecimal, OverflowIsAnError) {
  for (std::string_view text : {"1e309", "-1e309", "+1e309", "1.8e308", "1.7976931348623159e308",
                                "1e99999999999999999999999", "-1e99999999999999999999999"}) {
    Result<double> value = ParseDecimal(text);
    ASSERT_FALSE(value) << text;
    EXPECT_TRUE(value.error().IsInvalidArgument());
    EXPECT_NE(value.error().detail().find("overflows a double"), std::string::npos)
        << value.error().detail();
    EXPECT_NE(value.error().detail().find(Quoted(text)), std::string::npos)
        << value.error().detail();
  }
  const std::string nines(400, '9');  // about 1e400
  Result<double> big = ParseDecimal(nines);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().detail().find("overflows a double"), std::string::npos);
  EXPECT_LT(big.error().detail().size(), 300u);
  EXPECT_FALSE(ParseDecimal("-" + nines + ".5"));
}

TEST(ParseDecimal, Rejects) {
  for (std::string_view text : {
           "",      " 1",    "1 ",    " ",     "\t1",   "1\n",   "0x10",     "0X10",
           "0b1",   "NaN",   "nan",   "inf",   "-inf",  "+inf",  "Infinity", "-Infinity",
           "1.",    ".5",    "-.5",   "+.5",   "01",    "-01",   "00",       "+01",
           "1e",    "1e+",   "1e-",   "1E",    "e5",    "--1",   "+-1",      "-+1",
           "++1",   "+",     "-",     ".",     "1.e5",  "1..5",  "1.5.",     "1,5",
           "1_000", "1'000", "1e5.5", "1e5e5", "12.5f", "12.5d", "12.5%",    "$12",
           "١٢",    "１２",  "true",  "null",  "\"1\"", "1/2",   "1+1",      "e",
       }) {
    Result<double> value = ParseDecimal(text);
    EXPECT_FALSE(value) << "accepted '" << text << "'";
    if (!value) {
      EXPECT_TRUE(value.error().IsInvalidArgument()) << text;
    }
  }
  EXPECT_FALSE(ParseDecimal(std::string_view("1\0", 2)));
  EXPECT_FALSE(
      ParseDecimal(std::string_view("\0"
                                    "1",
                                    2)));
}

TEST(ParseDecimal, ErrorDetailQuotesInput) {
  Result<double> value = ParseDecimal("abc");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().source_kind(), Status::SourceKind::kNone);
  EXPECT_NE(value.error().detail().find("'abc'"), std::string::npos) << value.error().detail();
  EXPECT_NE(value.error().detail().find("decimal number"), std::string::npos)
      << value.error().detail();

  const std::string long_text = std::string(100000, '1') + "x";
  Result<double> long_value = ParseDecimal(long_text);
  ASSERT_FALSE(long_value);
  EXPECT_LT(long_value.error().detail().size(), 300u);
  EXPECT_NE(long_value.error().detail().find("...'"), std::string::npos);

  Result<double> binary = ParseDecimal("1\xFF\x01");
  ASSERT_FALSE(binary);
  for (char c : binary.error().detail()) EXPECT_TRUE(c >= 0x20 && c < 0x7F);
}

TEST(FormatShortest, KnownValues) {
  EXPECT_EQ(FormatShortest(12.5), "12.5");
  EXPECT_EQ(FormatShortest(7.0), "7");
  EXPECT_EQ(FormatShortest(-300.0), "-300");
  EXPECT_EQ(FormatShortest(40.730610), "40.73061");
  EXPECT_EQ(FormatShortest(-73.935242), "-73.935242");
  EXPECT_EQ(FormatShortest(0.0), "0");
  EXPECT_EQ(FormatShortest(-0.0), "-0");
  EXPECT_EQ(FormatShortest(0.1), "0.1");
  EXPECT_EQ(FormatShortest(1e21), "1e+21");
  EXPECT_EQ(FormatShortest(1e-7), "1e-07");
  EXPECT_EQ(FormatShortest(123456789.0), "123456789");
}

TEST(FormatShortest, FitsTheBuffer) {
  for (double value :
       {-DBL_MAX, DBL_MAX, DBL_MIN, -DBL_MIN, -std::numeric_limits<double>::denorm_min(),
        -1.2345678901234567e-300, -0.00012345678901234567}) {
    char buffer[kShortestDoubleSize];
    const size_t size = FormatShortest(value, buffer);
    ASSERT_GT(size, 0u);
    ASSERT_LE(size, kShortestDoubleSize);
    EXPECT_EQ(*ParseDecimal(std::string_view(buffer, size)), value);
  }
}

TEST(FormatShortest, RoundTrips) {
  for (std::string_view text :
       {"12.5", "7", "-300", "40.73061", "-73.935242", "0.1", "1e+21", "-0", "5e-324",
        "1.7976931348623157e+308", "2.2250738585072014e-308", "123.456", "-9007199254740993"}) {
    const double value = Parse(text);
    EXPECT_EQ(Parse(FormatShortest(value)), value) << text;
  }
  EXPECT_EQ(FormatShortest(Parse("-3e2")), "-300");
  EXPECT_EQ(FormatShortest(Parse("+7")), "7");
  EXPECT_EQ(FormatShortest(Parse("40.730610")), "40.73061");

  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double value = 0;
    static_assert(sizeof bits == sizeof value);
    std::memcpy(&value, &bits, sizeof value);
    if (!std::isfinite(value)) continue;
    const std::string text = FormatShortest(value);
    Result<double> back = ParseDecimal(text);
    ASSERT_TRUE(back) << text;
    ASSERT_EQ(std::memcmp(&*back, &value, sizeof value), 0) << text;
  }
}

}  // namespace
}  // namespace dc
