#include "domain/timestamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>

#include "domain/quoted.h"

namespace dc {
namespace {

using ::dc::testing::Quoted;

constexpr int64_t kOct13 = 1602597759489000;  // 2020-10-13T14:02:39.489Z
constexpr int64_t kMin = -62135596800000000;  // 0001-01-01T00:00:00Z
constexpr int64_t kMax = 253402300799999999;  // 9999-12-31T23:59:59.999999Z

// The micros of an accepted timestamp; a failed parse fails the test with the
// error's detail.
int64_t Micros(std::string_view text, DateOnly date_only = DateOnly::kReject) {
  Result<Timestamp> ts = ParseTimestamp(text, date_only);
  EXPECT_TRUE(ts.has_value()) << text << ": " << (ts ? "" : ts.error().detail());
  return ts ? ts->micros : INT64_MIN;
}

TEST(ParseTimestamp, KnownInstants) {
  EXPECT_EQ(Micros("2020-10-13T14:02:39.489Z"), kOct13);
  EXPECT_EQ(Micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Micros("1969-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(Micros("0001-01-01T00:00:00Z"), kMin);
  EXPECT_EQ(Micros("9999-12-31T23:59:59.999999Z"), kMax);
  EXPECT_EQ(Micros("1900-03-01T12:00:00.000005Z"), -2203847999999995);
  EXPECT_EQ(Micros("2000-02-29T00:00:00Z"), 951782400000000);
  EXPECT_EQ(Micros("2024-02-29T23:59:59Z"), 1709251199000000);
  EXPECT_EQ(Micros("1969-07-20T20:17:40Z"), -14182940000000);
}

TEST(ParseTimestamp, SeparatorsAndZones) {
  for (const char* text : {
           "2020-10-13T14:02:39.489Z",
           "2020-10-13t14:02:39.489Z",
           "2020-10-13 14:02:39.489Z",
           "2020-10-13T14:02:39.489z",
           "2020-10-13T14:02:39.489",
           "2020-10-13 14:02:39.489",
           "2020-10-13T14:02:39.489+00:00",
           "2020-10-13T14:02:39.489-00:00",
           "2020-10-13T16:02:39.489+02:00",
           "2020-10-13T11:32:39.489-02:30",
           "2020-10-14T13:32:39.489+23:30",
           "2020-10-12T14:03:39.489-23:59",
           "2020-10-13t16:02:39.489+02:00",
           "2020-10-13 16:02:39.489+02:00",
       }) {
    EXPECT_EQ(Micros(text), kOct13) << text;
  }
}

TEST(ParseTimestamp, Fractions) {
  const int64_t base = kOct13 - 489000;  // 2020-10-13T14:02:39Z
  EXPECT_EQ(Micros("2020-10-13T14:02:39Z"), base);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.4Z"), base + 400000);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.1"), base + 100000);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.48Z"), base + 480000);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.489Z"), base + 489000);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.4899Z"), base + 489900);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.48999Z"), base + 489990);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.489999Z"), base + 489999);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.4899999Z"), base + 489999);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.48999999Z"), base + 489999);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.489999999Z"), base + 489999);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.0Z"), base);
  EXPECT_EQ(Micros("2020-10-13T14:02:39.000000000Z"), base);
  // Truncation never carries into the next second, day or year.
  EXPECT_EQ(Micros("2020-12-31T23:59:59.9999999999999999999999Z"),
            Micros("2021-01-01T00:00:00Z") - 1);
  EXPECT_EQ(Micros("9999-12-31T23:59:59.99999999Z"), kMax);
  EXPECT_EQ(Micros("2020-10-13T14:02:39." + std::string(5000, '9') + "+01:00"),
            base - 3600 * kMicrosPerSecond + 999999);
}

TEST(ParseTimestamp, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(ParseTimestamp("2000-02-29T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("1600-02-29T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("2023-02-28T23:59:59Z"));
  EXPECT_FALSE(ParseTimestamp("1900-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2100-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2024-02-30T00:00:00Z"));
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int month = 1; month <= 12; ++month) {
    char text[32];
    std::snprintf(text, sizeof text, "2023-%02d-%02dT12:00:00Z", month, kDays[month - 1]);
    EXPECT_TRUE(ParseTimestamp(text)) << text;
    std::snprintf(text, sizeof text, "2023-%02d-%02dT12:00:00Z", month, kDays[month - 1] + 1);
    EXPECT_FALSE(ParseTimestamp(text)) << text;
  }
  EXPECT_FALSE(ParseTimestamp("2023-04-31T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2023-00-10T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2023-13-10T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2023-01-00T00:00:00Z"));
}

TEST(ParseTimestamp, OffsetsCrossDayAndYearBoundaries) {
  EXPECT_EQ(Micros("2021-01-01T00:30:00+01:00"), Micros("2020-12-31T23:30:00Z"));
  EXPECT_EQ(Micros("2020-12-31T23:30:00-01:00"), Micros("2021-01-01T00:30:00Z"));
  EXPECT_EQ(Micros("2024-03-01T00:00:00+00:01"), Micros("2024-02-29T23:59:00Z"));
  EXPECT_EQ(Micros("2024-02-28T23:00:00-01:00"), Micros("2024-02-29T00:00:00Z"));
  EXPECT_EQ(Micros("1970-01-01T00:00:00+00:00"), 0);
  EXPECT_EQ(Micros("1970-01-01T00:00:00+01:00"), -kMicrosPerHour);
}

TEST(ParseTimestamp, YearBounds) {
  EXPECT_EQ(Micros("0001-01-01T00:00:00Z"), kMin);
  EXPECT_EQ(Micros("0001-01-01T01:00:00+01:00"), kMin);
  EXPECT_EQ(Micros("9999-12-31T23:59:59.999999Z"), kMax);
  EXPECT_EQ(Micros("9999-12-31T22:59:59.999999-01:00"), kMax);
  EXPECT_FALSE(ParseTimestamp("0001-01-01T00:00:00+01:00"));
  EXPECT_FALSE(ParseTimestamp("0001-01-01T00:59:59.999999+01:00"));
  EXPECT_FALSE(ParseTimestamp("9999-12-31T23:59:59-01:00"));
  EXPECT_FALSE(ParseTimestamp("9999-12-31T23:00:00-01:00"));
  EXPECT_FALSE(ParseTimestamp("0000-12-31T23:00:00-01:00"));
  EXPECT_FALSE(ParseTimestamp("0000-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("10000-01-01T00:00:00Z"));
}

TEST(ParseTimestamp, DateOnly) {
  EXPECT_EQ(Micros("2020-10-13", DateOnly::kStartOfDay), Micros("2020-10-13T00:00:00Z"));
  EXPECT_EQ(Micros("2020-10-13", DateOnly::kEndOfDay), Micros("2020-10-13T23:59:59.999999Z"));
  EXPECT_EQ(Micros("0001-01-01", DateOnly::kStartOfDay), kMin);
  EXPECT_EQ(Micros("9999-12-31", DateOnly::kEndOfDay), kMax);
  EXPECT_EQ(Micros("1969-12-31", DateOnly::kEndOfDay), -1);
  EXPECT_EQ(Micros("2024-02-29", DateOnly::kEndOfDay), Micros("2024-03-01T00:00:00Z") - 1);

  Result<Timestamp> rejected = ParseTimestamp("2020-10-13");
  ASSERT_FALSE(rejected);
  EXPECT_TRUE(rejected.error().IsInvalidArgument());
  EXPECT_NE(rejected.error().detail().find("time of day"), std::string::npos)
      << rejected.error().detail();
  EXPECT_NE(rejected.error().detail().find("'2020-10-13'"), std::string::npos);
  EXPECT_FALSE(ParseTimestamp("2020-10-13", DateOnly::kReject));

  // Full timestamps mean the same instant in every mode.
  for (DateOnly mode : {DateOnly::kReject, DateOnly::kStartOfDay, DateOnly::kEndOfDay}) {
    EXPECT_EQ(Micros("2020-10-13 14:02:39.489", mode), kOct13);
    EXPECT_FALSE(ParseTimestamp("2023-02-29", mode));
    EXPECT_FALSE(ParseTimestamp("2020-10-13Z", mode));
    EXPECT_FALSE(ParseTimestamp("2020-10-13T", mode));
    EXPECT_FALSE(ParseTimestamp("2020-10-13+01:00", mode));
    EXPECT_FALSE(ParseTimestamp("0000-01-01", mode));
    EXPECT_FALSE(ParseTimestamp("2020-1-13", mode));
  }
}

TEST(ParseTimestamp, Rejects) {
  for (std::string_view text : std::initializer_list<std::string_view>{
           "",
           " ",
           "1602597759",
           "1602597759489",
           "1602597759.489",
           " 2020-10-13T14:02:39Z",
           "2020-10-13T14:02:39Z ",
           "2020-10-13T14:02:39Z\n",
           "2020-10-13T14:02:39ZZ",
           "2020-10-13T14:02:39Zx",
           "2020-10-13T14:02:39.489Zgarbage",
           "2020-10-13T14:02",
           "2020-10-13T14:02Z",
           "2020-10-13T14",
           "2020-10-13T14:02:3",
           "2020-10-13T14:2:39Z",
           "2020-10-13T4:02:39Z",
           "2020-10-13T14:02:39.",
           "2020-10-13T14:02:39.Z",
           "2020-10-13T14:02:39,489Z",
           "2020-10-13T14:02:39.-1Z",
           "2020-10-13T14:02:39+0100",
           "2020-10-13T14:02:39+01",
           "2020-10-13T14:02:39+1:00",
           "2020-10-13T14:02:39+01:0",
           "2020-10-13T14:02:39+01:00:00",
           "2020-10-13T14:02:39+24:00",
           "2020-10-13T14:02:39-24:00",
           "2020-10-13T14:02:39+01:60",
           "2020-10-13T14:02:39+01:00Z",
           "2020-10-13T14:02:39Z+01:00",
           "2020-10-13T14:02:39 Z",
           "2020-10-13T14:02:39 +01:00",
           "2020-10-13T14:02:39UTC",
           "2020-10-13T14:02:39GMT",
           "2020-10-13T24:00:00Z",
           "2020-10-13T23:60:00Z",
           "2020-10-13T23:59:60Z",
           "2016-12-31T23:59:60Z",
           "2020-10-13X14:02:39Z",
           "2020-10-13  14:02:39Z",
           "2020-10-13\t14:02:39Z",
           "2020-10-13_14:02:39Z",
           "20201013T140239Z",
           "2020/10/13T14:02:39Z",
           "2020-10-1314:02:39Z",
           "+2020-10-13T14:02:39Z",
           "-2020-10-13T14:02:39Z",
           "02020-10-13T14:02:39Z",
           "202-10-13T14:02:39Z",
           "2020-10-13T14:02:39.489\xC2\xA0",
           std::string_view("2020-10-13T14:02:39Z\0", 21),
           "2020-W42-2T14:02:39Z",
           "2020-287T14:02:39Z",
           "Tue, 13 Oct 2020 14:02:39 GMT",
           "now",
           "null",
           "2020-10-13T\xEF\xBC\x91\x34:02:39Z",
           "２０２０-10-13T14:02:39Z",
       }) {
    Result<Timestamp> ts = ParseTimestamp(text);
    EXPECT_FALSE(ts) << "accepted '" << text << "'";
    if (!ts) {
      EXPECT_TRUE(ts.error().IsInvalidArgument()) << text;
    }
  }
}

TEST(ParseTimestamp, ErrorDetailQuotesInputAndNamesForm) {
  Result<Timestamp> ts = ParseTimestamp("1602597759");
  ASSERT_FALSE(ts);
  EXPECT_EQ(ts.error().source_kind(), Status::SourceKind::kNone);
  const std::string& detail = ts.error().detail();
  EXPECT_NE(detail.find("'1602597759'"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2020-10-13T14:02:39.489Z"), std::string::npos) << detail;

  for (std::string_view text : {"2023-02-29T00:00:00Z", "2020-10-13T24:00:00Z",
                                "2020-10-13T14:00:00+24:00", "0001-01-01T00:00:00+01:00"}) {
    Result<Timestamp> bad = ParseTimestamp(text);
    ASSERT_FALSE(bad) << text;
    EXPECT_NE(bad.error().detail().find(Quoted(text)), std::string::npos) << bad.error().detail();
  }

  const std::string long_text = "2020-10-13T14:02:39." + std::string(100000, '1') + "x";
  Result<Timestamp> long_ts = ParseTimestamp(long_text);
  ASSERT_FALSE(long_ts);
  EXPECT_LT(long_ts.error().detail().size(), 400u);
  EXPECT_NE(long_ts.error().detail().find("'2020-10-13T14:02:39.111"), std::string::npos);
  EXPECT_NE(long_ts.error().detail().find("...'"), std::string::npos);

  // Arbitrary bytes never reach the detail raw (it goes into JSON).
  Result<Timestamp> binary = ParseTimestamp("2020\xFF\x01");
  ASSERT_FALSE(binary);
  for (char c : binary.error().detail()) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << static_cast<int>(c);
  }
  EXPECT_NE(binary.error().detail().find("'2020\\xff\\x01'"), std::string::npos)
      << binary.error().detail();
}

TEST(FormatTimestamp, KnownInstants) {
  EXPECT_EQ(FormatTimestamp(Timestamp{kOct13}), "2020-10-13T14:02:39.489000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{0}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-1}), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-kMicrosPerDay}), "1969-12-31T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-kMicrosPerDay - 1}), "1969-12-30T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-2203847999999995}), "1900-03-01T12:00:00.000005Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-14182940000000}), "1969-07-20T20:17:40.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{951782400000000}), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{kMin}), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{kMax}), "9999-12-31T23:59:59.999999Z");
}

TEST(FormatTimestamp, CharOverloadWritesExactlyTheSize) {
  char buffer[kTimestampTextSize + 2];
  buffer[kTimestampTextSize] = '#';
  buffer[kTimestampTextSize + 1] = '#';
  FormatTimestamp(Timestamp{kOct13}, buffer);
  EXPECT_EQ(std::string_view(buffer, kTimestampTextSize), "2020-10-13T14:02:39.489000Z");
  EXPECT_EQ(buffer[kTimestampTextSize], '#');
  EXPECT_EQ(buffer[kTimestampTextSize + 1], '#');
}

TEST(FormatTimestamp, OutOfRangeStaysInShape) {
  EXPECT_EQ(FormatTimestamp(Timestamp{INT64_MIN}), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{INT64_MAX}), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{kMin - 1}).size(), kTimestampTextSize);
}

TEST(FormatTimestamp, RoundTripsRandomInstants) {
  std::mt19937_64 rng(20201013);
  std::uniform_int_distribution<int64_t> any(kMin, kMax);
  std::uniform_int_distribution<int64_t> near_epoch(-100 * 366 * kMicrosPerDay,
                                                    100 * 366 * kMicrosPerDay);
  for (int i = 0; i < 20000; ++i) {
    const int64_t micros = i % 2 == 0 ? any(rng) : near_epoch(rng);
    const std::string text = FormatTimestamp(Timestamp{micros});
    ASSERT_EQ(text.size(), kTimestampTextSize);
    ASSERT_EQ(Micros(text), micros) << text;
    // The same instant, written with an offset, a space and no zone.
    ASSERT_EQ(Micros(text.substr(0, 10) + " " + text.substr(11, 15)), micros) << text;
  }
  // Every day boundary across a few centuries, both sides of the epoch.
  for (int64_t day = -80000; day <= 80000; day += 7) {
    const int64_t micros = day * kMicrosPerDay;
    const std::string text = FormatTimestamp(Timestamp{micros});
    ASSERT_EQ(Micros(text), micros) << text;
    ASSERT_EQ(Micros(text.substr(0, 10), DateOnly::kStartOfDay), micros) << text;
    ASSERT_EQ(FormatTimestamp(Timestamp{micros - 1}).substr(11), "23:59:59.999999Z");
  }
}

TEST(FormatTimestamp, NormalisesParsedText) {
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2020-10-13 16:02:39.4899999+02:00")),
            "2020-10-13T14:02:39.489999Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2021-01-01t00:30:00+01:00")),
            "2020-12-31T23:30:00.000000Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2020-10-13T14:02:39.1")),
            "2020-10-13T14:02:39.100000Z");
}

}  // namespace
}  // namespace dc
