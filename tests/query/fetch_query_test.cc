#include "query/fetch_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dc {
namespace {

// 2020-11-03T15:24:38Z
const Timestamp kNow{1604417078000000};

Result<FetchQuery> Raw(std::string_view query) {
  return ParseFetchQuery(query, FetchShape::kRaw, FetchTarget::kInputs, kNow);
}
Result<FetchQuery> Stats(std::string_view query) {
  return ParseFetchQuery(query, FetchShape::kStatistics, FetchTarget::kInputs, kNow);
}
Result<FetchQuery> Asset(std::string_view query, FetchShape shape = FetchShape::kRaw) {
  return ParseFetchQuery(query, shape, FetchTarget::kAsset, kNow);
}

Timestamp At(std::string_view text) { return *ParseTimestamp(text); }

// Asserts a 400 naming `parameter`.
void ExpectBad(const Result<FetchQuery>& parsed, const std::string& parameter) {
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parsed.error().source_kind(), Status::SourceKind::kParameter);
  EXPECT_EQ(parsed.error().source(), parameter) << parsed.error().ToString();
  EXPECT_FALSE(parsed.error().detail().empty());
}

TEST(FetchQuery, ReferenceExampleWithQuotesAndSpaces) {
  auto q =
      Raw("inputs_ids=\"senXXXX,senXXXY,senXXXZ\"&timeperiod_start=\"2020-10-03%2015:31:55\""
          "&timeperiod_finish=\"2020-11-03 15:31:55\"&order_by=\"timestamp\"&sort_by=\"desc\"");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_EQ(q->input_ids, (std::vector<std::string>{"senXXXX", "senXXXY", "senXXXZ"}));
  EXPECT_EQ(*q->window.start, At("2020-10-03T15:31:55Z"));
  EXPECT_EQ(*q->window.finish, At("2020-11-03T15:31:55Z"));
  EXPECT_EQ(q->order_by, OrderBy::kTimestamp);
  EXPECT_EQ(q->sort, SortDirection::kDesc);
  EXPECT_EQ(q->limit, kDefaultFetchLimit);
}

TEST(FetchQuery, Defaults) {
  auto q = Raw("input_ids=a");
  ASSERT_TRUE(q.has_value());
  EXPECT_FALSE(q->window.start.has_value());
  EXPECT_FALSE(q->window.finish.has_value());
  EXPECT_EQ(q->limit, 1000);
  EXPECT_FALSE(q->add_lat_long || q->add_x_axis || q->add_metadata);
  EXPECT_EQ(q->order_by, OrderBy::kTimestamp);
  EXPECT_EQ(q->sort, SortDirection::kDesc);
  auto s = Stats("input_ids=a");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->functions, (std::vector<AggregateFunc>{AggregateFunc::kMin, AggregateFunc::kMax,
                                                      AggregateFunc::kAvg}));
  EXPECT_FALSE(s->interval_micros.has_value());
}

TEST(FetchQuery, IdsAreTrimmedAndDeduplicatedInOrder) {
  auto q = Raw("input_ids=b,%20a%20,+c,b");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->input_ids, (std::vector<std::string>{"b", "a", "c"}));
  ExpectBad(Raw("input_ids=a,,b"), "input_ids");
  ExpectBad(Raw("inputs_ids="), "inputs_ids");
  std::string many = "input_ids=";
  for (size_t i = 0; i <= kMaxInputIds; ++i) many += (i ? ",s" : "s") + std::to_string(i);
  ExpectBad(Raw(many), "input_ids");
}

TEST(FetchQuery, WindowForms) {
  auto dash = Raw("input_ids=a&timeperiod-start=2020-11-02&timeperiod-finish=2020-11-02");
  ASSERT_TRUE(dash.has_value());
  EXPECT_EQ(*dash->window.start, At("2020-11-02T00:00:00Z"));
  EXPECT_EQ(*dash->window.finish, At("2020-11-02T23:59:59.999999Z"));

  auto iso = Raw("input_ids=a&timeperiod_start=2020-11-02T14:24:38.5%2B02:00");
  ASSERT_TRUE(iso.has_value());
  EXPECT_EQ(*iso->window.start, At("2020-11-02T12:24:38.5Z"));

  auto last = Raw("input_ids=a&timeperiod_last=\"5_days\"");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->window.finish->micros, kNow.micros);
  EXPECT_EQ(last->window.start->micros, kNow.micros - 5 * kMicrosPerDay);
  for (auto [text, micros] : {std::pair<const char*, int64_t>{"1_minute", kMicrosPerMinute},
                              {"2_minutes", 2 * kMicrosPerMinute},
                              {"1_hour", kMicrosPerHour},
                              {"3_hours", 3 * kMicrosPerHour},
                              {"1_day", kMicrosPerDay},
                              {"1_week", 7 * kMicrosPerDay},
                              {"2_weeks", 14 * kMicrosPerDay}}) {
    auto q = Raw(std::string("input_ids=a&timeperiod-last=") + text);
    ASSERT_TRUE(q.has_value()) << text;
    EXPECT_EQ(kNow.micros - q->window.start->micros, micros) << text;
  }
}

TEST(FetchQuery, WindowErrors) {
  ExpectBad(Raw("input_ids=a&timeperiod_start=yesterday"), "timeperiod_start");
  ExpectBad(Raw("input_ids=a&timeperiod-finish=1604417078"), "timeperiod-finish");
  ExpectBad(Raw("input_ids=a&timeperiod_start=2020-11-03&timeperiod_finish=2020-11-02"),
            "timeperiod_start");
  ExpectBad(Raw("input_ids=a&timeperiod_last=5_days&timeperiod_start=2020-11-02"),
            "timeperiod_last");
  for (const char* bad : {"5", "days", "0_days", "-1_day", "5_fortnights", "5_days_", "1.5_days",
                          "99999999999_weeks"}) {
    ExpectBad(Raw(std::string("input_ids=a&timeperiod_last=") + bad), "timeperiod_last");
  }
}

// A well-formed span over kMaxSpanDays names the bound; anything else that
// is not a span keeps the N_unit message.
TEST(FetchQuery, SpanOverTheLargestNamesTheLargest) {
  const std::string largest = std::to_string(kMaxSpanDays) + "_days";
  ASSERT_TRUE(Raw("input_ids=a&timeperiod_last=" + largest).has_value());
  ASSERT_TRUE(Stats("input_ids=a&interval=" + largest).has_value());
  ASSERT_TRUE(Raw("input_ids=a&timeperiod_last=" + std::to_string(kMaxSpanDays / 7) + "_weeks")
                  .has_value());
  const std::string bound = "at most " + std::to_string(kMaxSpanDays) + " days";
  const std::vector<std::string> overs = {std::to_string(kMaxSpanDays + 1) + "_days",
                                          std::to_string(kMaxSpanDays / 7 + 1) + "_weeks",
                                          std::to_string(kMaxSpanDays * 24 + 1) + "_Hours",
                                          "99999999999_weeks", "99999999999999999999999_minutes"};
  for (const std::string& over : overs) {
    SCOPED_TRACE(over);
    for (const auto& [parsed, name] :
         {std::pair{Raw("input_ids=a&timeperiod-last=" + over), "timeperiod-last"},
          std::pair{Stats("input_ids=a&interval=" + over), "interval"}}) {
      ExpectBad(parsed, name);
      EXPECT_NE(parsed.error().detail().find(std::string(name) + " is " + bound), std::string::npos)
          << parsed.error().detail();
    }
  }
  for (const char* malformed : {"0_days", "000_days", "-1_day", "5_fortnights", "1.5_days", "days",
                                "+5_days", "99999999999999999999999_fortnights"}) {
    SCOPED_TRACE(malformed);
    auto parsed = Raw(std::string("input_ids=a&timeperiod_last=") + malformed);
    ExpectBad(parsed, "timeperiod_last");
    EXPECT_NE(parsed.error().detail().find("must be N_unit with N a positive integer"),
              std::string::npos)
        << parsed.error().detail();
  }
}

TEST(FetchQuery, LimitBounds) {
  EXPECT_EQ(Raw("input_ids=a&limit=1")->limit, 1);
  EXPECT_EQ(Raw("input_ids=a&limit=100000")->limit, 100000);
  for (const char* bad : {"0", "-1", "100001", "abc", "1.0", "", "1e3", "99999999999999999999"}) {
    ExpectBad(Raw(std::string("input_ids=a&limit=") + bad), "limit");
  }
}

TEST(FetchQuery, FlagsOrderAndSort) {
  auto q =
      Raw("input_ids=a&is_add_lat_long=true&is_add_x_axis_data=1&is_add_metadata=\"false\""
          "&order_by=date&sort_by=asc");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_TRUE(q->add_lat_long);
  EXPECT_TRUE(q->add_x_axis);
  EXPECT_FALSE(q->add_metadata);
  EXPECT_EQ(q->order_by, OrderBy::kTimestamp);
  EXPECT_EQ(q->sort, SortDirection::kAsc);
  EXPECT_EQ(Raw("input_ids=a&order_by='value'")->order_by, OrderBy::kValue);
  ExpectBad(Raw("input_ids=a&is_add_lat_long=yes"), "is_add_lat_long");
  ExpectBad(Raw("input_ids=a&order_by=name"), "order_by");
  ExpectBad(Raw("input_ids=a&sort_by=up"), "sort_by");
}

TEST(FetchQuery, AggregationAndInterval) {
  auto q = Stats("input_ids=a&aggregation_func=\"max, count,max,last\"&interval=15_minutes");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_EQ(q->functions, (std::vector<AggregateFunc>{AggregateFunc::kMax, AggregateFunc::kCount,
                                                      AggregateFunc::kLast}));
  EXPECT_EQ(*q->interval_micros, 15 * kMicrosPerMinute);
  auto cased = Stats("input_ids=a&aggregation_func=max,MAX,Min");
  ASSERT_TRUE(cased.has_value()) << cased.error().ToString();
  EXPECT_EQ(cased->functions,
            (std::vector<AggregateFunc>{AggregateFunc::kMax, AggregateFunc::kMin}));
  ExpectBad(Stats("input_ids=a&aggregation_func=median"), "aggregation_func");
  ExpectBad(Stats("input_ids=a&aggregation_func=min,"), "aggregation_func");
  ExpectBad(Stats("input_ids=a&interval=0_hours"), "interval");
}

TEST(FetchQuery, ParametersOfOtherEndpointsAreRefused) {
  ExpectBad(Stats("input_ids=a&order_by=value"), "order_by");
  ExpectBad(Stats("input_ids=a&is_add_metadata=true"), "is_add_metadata");
  ExpectBad(Raw("input_ids=a&aggregation_func=min"), "aggregation_func");
  ExpectBad(Raw("input_ids=a&interval=1_hour"), "interval");
  ExpectBad(Raw("input_ids=a&asset_id=67"), "asset_id");
}

TEST(FetchQuery, UnknownRepeatedAndRequired) {
  ExpectBad(Raw("input_ids=a&colour=red"), "colour");
  ExpectBad(Raw("input_ids=a&limit=5&limit=6"), "limit");
  ExpectBad(Raw("input_ids=a&inputs_ids=b"), "inputs_ids");
  ExpectBad(Raw("timeperiod_last=1_day"), "input_ids");
  ExpectBad(Raw("input_ids=a&limit=%zz"), "limit");
  ExpectBad(Asset("input_ids=a"), "asset_id");
}

TEST(FetchQuery, AssetIdAndOptionalFilter) {
  auto q = Asset("asset_id=\"67\"");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_EQ(q->asset_id, 67);
  EXPECT_FALSE(q->input_ids_given);
  auto filtered = Asset("asset_id=67&inputs_ids=s1,s2", FetchShape::kStatistics);
  ASSERT_TRUE(filtered.has_value());
  EXPECT_TRUE(filtered->input_ids_given);
  ExpectBad(Asset("asset_id=\"senXXXX,senXXXY,senXXXZ\""), "asset_id");
  ExpectBad(Asset("asset_id=0"), "asset_id");
  ExpectBad(Asset("asset_id=-3"), "asset_id");
}

TEST(FetchQuery, TrailingAndEmptyPairsAreIgnored) {
  auto q = Raw("&input_ids=a&&limit=3&");
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_EQ(q->limit, 3);
}

}  // namespace
}  // namespace dc
