// The statistics endpoints against the real server: every answer is checked
// against statistics the test computes itself from the readings it uploaded
// (docs/api.md "Fetch"): functions and their order, empty windows, windows whose
// edges cut through hours, interval buckets and their limit, and replaced
// readings.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

const std::vector<std::string> kAllFunctions = {"min",   "max",   "avg", "sum",
                                                "count", "first", "last"};
constexpr char kAllQuery[] = "&aggregation_func=min,max,avg,sum,count,first,last";

// 2021-03-01T00:00:00Z plus `micros`.
int64_t At(int64_t micros) { return TimestampMicrosAt(0) + micros; }

// The query parameters of `window`, full timestamps in the answers' form.
std::string WindowQuery(const Window& window) {
  std::string out;
  if (window.start) out += "&timeperiod_start=" + FormatMicros(*window.start);
  if (window.finish) out += "&timeperiod_finish=" + FormatMicros(*window.finish);
  return out;
}

std::string DescribeWindow(const Window& window) {
  return "[" + (window.start ? FormatMicros(*window.start) : std::string("-")) + ", " +
         (window.finish ? FormatMicros(*window.finish) : std::string("-")) + "]";
}

// "a,b,a" -> {"a", "b"}.
std::vector<std::string> SplitFunctions(const std::string& list) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string name = list.substr(at, comma - at);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    at = comma + 1;
  }
  return out;
}

class StatisticsTest : public FetchDataTest {
 protected:
  // What a statistics answer over `window` must hold for the three inputs,
  // in the order boiler, pump, meter.
  std::vector<InputStats> Expected(const Window& window,
                                   std::optional<int64_t> interval = std::nullopt,
                                   size_t limit = 1000) const {
    std::vector<InputStats> out = {{boiler_, BruteStatistics(boiler_readings_, window, interval)},
                                   {pump_, BruteStatistics(pump_readings_, window, interval)},
                                   {meter_, BruteStatistics(meter_readings_, window, interval)}};
    for (InputStats& input : out) {
      if (input.stats.size() > limit) input.stats.resize(limit);
    }
    return out;
  }
  std::string AllInputs() const {
    return "input_ids=" + boiler_.id + "," + pump_.id + "," + meter_.id;
  }
};

// ---- Functions ----------------------------------------------------------------

TEST_F(StatisticsTest, DefaultIsMinMaxAvgOverEveryReading) {
  for (const std::string endpoint :
       {"get_statistics_inputdata_by_inputs", "get_latest_statistics_inputdata_by_inputs"}) {
    SCOPED_TRACE(endpoint);
    EXPECT_TRUE(IsStatsAnswer(Fetch(endpoint + "?" + AllInputs()), Expected({})));
    // Without an interval, limit is accepted and there is still one element.
    EXPECT_TRUE(IsStatsAnswer(Fetch(endpoint + "?" + AllInputs() + "&limit=1"), Expected({})));
  }
  // Meter's ten readings, spelt out.
  FetchResponse meter = Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
                              "&aggregation_func=min,max,count,first,last");
  EXPECT_TRUE(IsFetchAnswer(
      meter,
      "[" + ExpectedInput(meter_, R"([{"min":-3.5,"max":9,"count":10,"first":5,"last":2.5}])") +
          "]"));
  EXPECT_NE(meter.http.body.find(R"({"min":-3.5,"max":9,"count":10,"first":5,"last":2.5})"),
            std::string::npos)
      << meter.http.body;
}

TEST_F(StatisticsTest, FunctionsComeInTheOrderAsked) {
  for (const std::string functions :
       {"last,count,sum,first,max,avg,min", "max", "count,min", "avg,sum", "first,last",
        "sum,count", "min,max,avg,sum,count,first,last", "min,min,max"}) {
    SCOPED_TRACE(functions);
    EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() +
                                    "&aggregation_func=" + functions),
                              Expected({}), SplitFunctions(functions)));
  }
  // As the reference writes it: quoted; and with spaces after the commas.
  EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() +
                                  "&aggregation_func=%22min,max,avg%22"),
                            Expected({})));
  EXPECT_TRUE(IsStatsAnswer(
      Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() + "&aggregation_func=count,%20sum"),
      Expected({}), {"count", "sum"}));
}

TEST_F(StatisticsTest, AFunctionNamedTwiceInAnyCaseIsAnsweredOnce) {
  // A JSON object with the same member twice is not what any client expects.
  FetchResponse response = Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
                                 "&aggregation_func=max,MAX,count");
  ASSERT_EQ(response.http.status, 200) << response.http.body;
  EXPECT_TRUE(
      IsStatsAnswer(response, {{meter_, BruteStatistics(meter_readings_, {})}}, {"max", "count"}));
}

TEST_F(StatisticsTest, AnEmptyWindowGivesNullsAndZeroCountAndSum) {
  const Window empty{At(-400 * kDay), At(-kDay)};
  FetchResponse response = Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() + kAllQuery +
                                 "&timeperiod_start=2020-01-01&timeperiod_finish=2020-12-31");
  EXPECT_TRUE(IsStatsAnswer(response, Expected(empty), kAllFunctions));
  EXPECT_NE(
      response.http.body.find(
          R"("inputdata":[{"min":null,"max":null,"avg":null,"sum":0,"count":0,"first":null,"last":null}])"),
      std::string::npos)
      << response.http.body;

  // A gap between two of Meter's readings; by asset too.
  const Window gap{At(6 * kHour + 8 * kSecond), At(47 * kHour)};
  EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
                                  kAllQuery + WindowQuery(gap)),
                            {{meter_, BruteStatistics(meter_readings_, gap)}}, kAllFunctions));
  EXPECT_EQ(BruteStatistics(meter_readings_, gap)[0].count, 0);
  EXPECT_TRUE(IsStatsAnswer(
      Fetch("get_latest_statistics_inputdata_by_asset?asset_id=67&timeperiod_start=2030-01-01"),
      {{pump_, {ExpectedStats{}}}, {meter_, {ExpectedStats{}}}, {boiler_, {ExpectedStats{}}}},
      {"min", "max", "avg"}, false, std::make_pair(int64_t{67}, std::string("Plant"))));

  // With an interval, an empty window has no buckets at all.
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
            "&interval=1_hour&timeperiod_start=2020-01-01&timeperiod_finish=2020-12-31"),
      "[" + ExpectedInput(meter_, "[]") + "]"));
}

// ---- Windows cutting through hours ---------------------------------------------

TEST_F(StatisticsTest, WindowsWhoseEdgesCutThroughHoursCountExactlyTheirReadings) {
  const std::vector<SentReading>& b = boiler_readings_;
  const std::vector<Window> windows = {
      {At(17 * kMinute + 33 * kSecond + 500'000), At(5 * kHour + 42 * kMinute + 10'250'000)},
      {At(kHour - kSecond), At(2 * kHour + kSecond)},
      {b[100].micros, b[700].micros},          // on readings: both included
      {b[100].micros + 1, b[700].micros - 1},  // just inside them: both excluded
      {At(10 * kHour + 5 * kMinute), At(10 * kHour + 55 * kMinute)},  // inside one hour
      {At(kHour), At(5 * kHour - 1)},                                 // whole hours
      {At(kHour), At(5 * kHour)},                                     // plus the instant 05:00:00
      {At(6 * kHour), At(6 * kHour)},  // one instant: Meter's first reading
      {At(6 * kHour - 1), At(6 * kHour + 1)},
      {At(6 * kHour + 1), At(6 * kHour + 8 * kSecond)},
      {std::nullopt, At(30 * kHour + 17 * kMinute + 1)},
      {At(30 * kHour + 17 * kMinute + 1), std::nullopt},
      {At(23 * kHour + 59 * kMinute), At(49 * kHour + kMinute)},  // across days
      {At(-kDay), At(90 * kMinute + 300'000)},
      {At(47 * kHour + 59 * kMinute + 59 * kSecond + 999'999), At(48 * kHour)},  // day edge
  };
  for (const Window& window : windows) {
    SCOPED_TRACE(DescribeWindow(window));
    EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() +
                                    kAllQuery + WindowQuery(window)),
                              Expected(window), kAllFunctions));
  }
  // The reference's timestamp form, with quotes.
  const Window seconds{At(2 * kHour + 13 * kMinute + 7 * kSecond),
                       At(3 * kHour + 44 * kMinute + 51 * kSecond)};
  EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_inputs?" + AllInputs() + kAllQuery +
                                  "&timeperiod_start=%222021-03-01%2002:13:07%22"
                                  "&timeperiod_finish=%222021-03-01%2003:44:51%22"),
                            Expected(seconds), kAllFunctions));
}

// ---- Buckets -------------------------------------------------------------------

TEST_F(StatisticsTest, IntervalBucketsStartAtMultiplesOfTheIntervalSinceTheEpoch) {
  struct Interval {
    std::string text;
    int64_t micros;
  };
  const std::vector<Interval> intervals = {
      {"15_minutes", 15 * kMinute}, {"1_hour", kHour},   {"2_hours", 2 * kHour},
      {"7_minutes", 7 * kMinute},   {"1_day", kDay},     {"1_week", 7 * kDay},
      {"90_minute", 90 * kMinute},  {"3_days", 3 * kDay}};
  const std::vector<Window> windows = {
      {}, {At(17 * kMinute + 33 * kSecond + 500'000), At(50 * kHour + 12 * kMinute + 1)}};
  for (const Interval& interval : intervals) {
    for (const Window& window : windows) {
      const std::string query = "get_statistics_inputdata_by_inputs?" + AllInputs() + kAllQuery +
                                "&limit=100000&interval=" + interval.text + WindowQuery(window);
      SCOPED_TRACE(query);
      EXPECT_TRUE(IsStatsAnswer(Fetch(query), Expected(window, interval.micros, 100'000),
                                kAllFunctions, /*with_timestamp=*/true));
    }
  }
  // Pump reads every 10 minutes: 7-minute buckets without a reading are left out.
  const auto pump_buckets = BruteStatistics(pump_readings_, {}, 7 * kMinute);
  EXPECT_LT(pump_buckets.size(), 48u * 60 / 7);

  // Spelt out: buckets start on the interval's grid, not at the window start;
  // weeks count from Thursday 1970-01-01.
  FetchResponse weeks =
      Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
            "&interval=1_week&aggregation_func=count&timeperiod_start=2021-03-01T06:00:03Z");
  EXPECT_TRUE(IsFetchAnswer(
      weeks,
      "[" + ExpectedInput(meter_, R"([{"timestamp":"2021-02-25T00:00:00.000000Z","count":7}])") +
          "]"));
  FetchResponse quarters = Fetch("get_statistics_inputdata_by_inputs?input_ids=" + meter_.id +
                                 "&interval=15_minutes&aggregation_func=count,max");
  EXPECT_TRUE(IsFetchAnswer(
      quarters,
      "[" +
          ExpectedInput(meter_,
                        R"([{"timestamp":"2021-03-01T06:00:00.000000Z","count":8,"max":9},)"
                        R"({"timestamp":"2021-03-02T23:45:00.000000Z","count":1,"max":1e-06},)"
                        R"({"timestamp":"2021-03-03T00:00:00.000000Z","count":1,"max":2.5}])") +
          "]"));
}

TEST_F(StatisticsTest, LimitCapsTheNumberOfBucketsEarliestFirst) {
  // The earliest buckets of the window, the first cut by the window start.
  const Window window{At(6 * kHour + 30 * kMinute + 1), std::nullopt};
  for (const Window& w : {Window{}, window}) {
    for (const int64_t limit : {1, 5, 58}) {
      const std::string query = "get_statistics_inputdata_by_inputs?" + AllInputs() + kAllQuery +
                                "&interval=1_hour&limit=" + std::to_string(limit) + WindowQuery(w);
      SCOPED_TRACE(query);
      EXPECT_TRUE(IsStatsAnswer(Fetch(query), Expected(w, kHour, static_cast<size_t>(limit)),
                                kAllFunctions, true));
    }
  }
  // Boiler's 1,005 readings fall in 1,005 distinct minutes: 1000 buckets by
  // default, all of them when the limit allows.
  const std::string minutes =
      "get_statistics_inputdata_by_inputs?input_ids=" + boiler_.id + "&interval=1_minute";
  ASSERT_EQ(BruteStatistics(boiler_readings_, {}, kMinute).size(), 1005u);
  auto expected = [&](size_t limit) {
    std::vector<ExpectedStats> stats = BruteStatistics(boiler_readings_, {}, kMinute);
    stats.resize(std::min(stats.size(), limit));
    return std::vector<InputStats>{{boiler_, stats}};
  };
  EXPECT_TRUE(IsStatsAnswer(Fetch(minutes), expected(1000), {"min", "max", "avg"}, true));
  EXPECT_TRUE(
      IsStatsAnswer(Fetch(minutes + "&limit=1005"), expected(1005), {"min", "max", "avg"}, true));
}

// ---- Changes -------------------------------------------------------------------

TEST_F(StatisticsTest, AReplacedReadingShowsInTheVeryNextAnswer) {
  // Boiler reading 33 lies at 01:56:03.037035, inside every view below.
  const size_t k = 33;
  ASSERT_EQ(FormatMicros(boiler_readings_[k].micros), "2021-03-01T01:56:03.037035Z");
  struct View {
    Window window;
    std::optional<int64_t> interval;
  };
  const std::vector<View> views = {
      {{}, std::nullopt},
      {{At(kHour), At(3 * kHour - 1)}, std::nullopt},             // whole hours
      {{At(90 * kMinute), At(150 * kMinute + 7)}, std::nullopt},  // edges in hours
      {{At(116 * kMinute), At(117 * kMinute)}, std::nullopt},     // inside an hour
      {{}, kHour},
      {{At(90 * kMinute), At(4 * kHour)}, 15 * kMinute},
  };
  auto check_views = [&](const std::string& step) {
    for (const View& view : views) {
      std::string query = "get_statistics_inputdata_by_inputs?input_ids=" + boiler_.id + kAllQuery +
                          WindowQuery(view.window);
      if (view.interval)
        query += "&limit=100000&interval=" + std::to_string(*view.interval / kMinute) + "_minutes";
      SCOPED_TRACE(step + ": " + query);
      EXPECT_TRUE(IsStatsAnswer(
          Fetch(query), {{boiler_, BruteStatistics(boiler_readings_, view.window, view.interval)}},
          kAllFunctions, view.interval.has_value()));
    }
  };
  auto repost = [&](size_t index, double value) {
    boiler_readings_[index].value = value;
    HttpClient client(server_->port());
    const HttpResponse response =
        client.Request("POST", UploadTarget(boiler_.id), UploadHeaders(org_),
                       SingleBody(SentAttributes(boiler_readings_[index]), boiler_.id));
    ASSERT_EQ(response.status, 201) << response.body;
  };

  check_views("as uploaded");
  repost(k, 1000);  // the new maximum
  check_views("after a new maximum");
  repost(k, -1000);   // now the minimum
  repost(0, 123.25);  // the first reading of all
  check_views("after a new minimum and first");
  // The raw reading too.
  EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_inputs?input_ids=" + boiler_.id +
                                  "&timeperiod_start=" + FormatMicros(boiler_readings_[k].micros) +
                                  "&timeperiod_finish=" + FormatMicros(boiler_readings_[k].micros)),
                            ExpectedRawList({{boiler_, {boiler_readings_[k]}}})));

  // A new reading between two others counts at once as well.
  SentReading added;
  added.micros = boiler_readings_[k].micros + 1;
  added.value = 4242;
  ASSERT_TRUE(UploadReadings(boiler_, {added}));
  boiler_readings_.push_back(added);
  check_views("after a new reading");
}

// ---- By asset ------------------------------------------------------------------

TEST_F(StatisticsTest, ByAssetStatisticsWrapEachInputInTheAssetsOrder) {
  const auto plant = std::make_pair(int64_t{67}, std::string("Plant"));
  for (const std::string endpoint :
       {"get_statistics_inputdata_by_asset", "get_latest_statistics_inputdata_by_asset"}) {
    SCOPED_TRACE(endpoint);
    EXPECT_TRUE(IsStatsAnswer(Fetch(endpoint + "?asset_id=67"),
                              {{pump_, BruteStatistics(pump_readings_, {})},
                               {meter_, BruteStatistics(meter_readings_, {})},
                               {boiler_, BruteStatistics(boiler_readings_, {})}},
                              {"min", "max", "avg"}, false, plant));
    const Window window{At(20 * kHour + 1), At(50 * kHour - 1)};
    EXPECT_TRUE(IsStatsAnswer(
        Fetch(endpoint + "?asset_id=67&input_ids=" + meter_.id + "," + boiler_.id +
              "&aggregation_func=count,sum,last&interval=1_day" + WindowQuery(window)),
        {{meter_, BruteStatistics(meter_readings_, window, kDay)},
         {boiler_, BruteStatistics(boiler_readings_, window, kDay)}},
        {"count", "sum", "last"}, true, plant));
  }
}

// ---- Near the ends of the double range ----------------------------------------

// Every accepted reading is finite, but a sum of them need not be a double:
// the answers stay JSON (docs/api.md "Statistics"), and the mean is exact.
class StatisticsNearTheDoubleRangeTest : public FetchTest {
 protected:
  // The views of Boiler's readings, all between 00:00 and 02:00 on
  // 2021-03-01, that read them by each road: unbounded and whole hours
  // (hour aggregates only), a window inside an hour (raw readings), buckets
  // of 15 minutes (raw) and of an hour and a day (hour aggregates).
  struct View {
    std::string query;
    std::string bucket;  // the bucket's "timestamp", for an interval
  };
  static std::vector<View> Views() {
    return {{"", ""},
            {WindowQuery({At(0), At(2 * kHour - 1)}), ""},
            {WindowQuery({At(kMinute), At(119 * kMinute)}), ""},
            {"&interval=15_minutes", "2021-03-01T00:00:00.000000Z"},
            {"&interval=1_hour", "2021-03-01T00:00:00.000000Z"},
            {"&interval=1_day", "2021-03-01T00:00:00.000000Z"}};
  }

  // Every view answers the one statistics element `element`
  // (min,max,avg,sum,count), inside one 15-minute bucket.
  void ExpectEveryView(const std::string& element) {
    for (const View& view : Views()) {
      const std::string query = "get_statistics_inputdata_by_inputs?input_ids=" + boiler_.id +
                                "&aggregation_func=min,max,avg,sum,count" + view.query;
      SCOPED_TRACE(query);
      const std::string timestamp =
          view.bucket.empty() ? "" : R"("timestamp":")" + view.bucket + R"(",)";
      EXPECT_TRUE(IsFetchAnswer(
          Fetch(query), "[" + ExpectedInput(boiler_, "[{" + timestamp + element + "}]") + "]"));
    }
  }

  static SentReading ReadingAt(int64_t micros, double value) {
    SentReading reading;
    reading.micros = micros;
    reading.value = value;
    return reading;
  }
};

TEST_F(StatisticsNearTheDoubleRangeTest, ASumBeyondTheDoubleRangeIsNullAndTheMeanExact) {
  ASSERT_TRUE(UploadReadings(
      boiler_, {ReadingAt(At(10 * kMinute), 1e308), ReadingAt(At(11 * kMinute), 1e308)}));
  ExpectEveryView(R"("min":1e308,"max":1e308,"avg":1e308,"sum":null,"count":2)");
}

TEST_F(StatisticsNearTheDoubleRangeTest, SumsThatLeaveTheDoubleRangeAndComeBackAreExact) {
  // In one upload: the sum passes 3.4e308 on its way to 0.
  ASSERT_TRUE(UploadReadings(
      boiler_, {ReadingAt(At(10 * kMinute), 1.7e308), ReadingAt(At(11 * kMinute), 1.7e308),
                ReadingAt(At(12 * kMinute), -1.7e308), ReadingAt(At(13 * kMinute), -1.7e308)}));
  ExpectEveryView(R"("min":-1.7e308,"max":1.7e308,"avg":0,"sum":0,"count":4)");
}

TEST_F(StatisticsNearTheDoubleRangeTest, SumsThatCancelAcrossUploadsAreExact) {
  // Each pair is stored on its own (the answer in between waits for it), so
  // the hour's stored sum goes past the double range, then would come back.
  ASSERT_TRUE(UploadReadings(
      boiler_, {ReadingAt(At(10 * kMinute), 1.7e308), ReadingAt(At(11 * kMinute), 1.7e308)}));
  ExpectEveryView(R"("min":1.7e308,"max":1.7e308,"avg":1.7e308,"sum":null,"count":2)");
  ASSERT_TRUE(UploadReadings(
      boiler_, {ReadingAt(At(12 * kMinute), -1.7e308), ReadingAt(At(13 * kMinute), -1.7e308)}));
  ExpectEveryView(R"("min":-1.7e308,"max":1.7e308,"avg":0,"sum":0,"count":4)");
  // And the store goes on taking and answering readings, of every input.
  ASSERT_TRUE(UploadReadings(pump_, {ReadingAt(At(20 * kMinute), 2.5)}));
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_statistics_inputdata_by_inputs?input_ids=" + pump_.id + "&aggregation_func=sum"),
      "[" + ExpectedInput(pump_, R"([{"sum":2.5}])") + "]"));
}

TEST_F(StatisticsNearTheDoubleRangeTest, HoursWhoseSumsFitAddUpBeyondTheRange) {
  // One reading in each of two hours: each hour's sum is a double, the
  // window's is not.
  ASSERT_TRUE(UploadReadings(
      boiler_, {ReadingAt(At(10 * kMinute), 1e308), ReadingAt(At(70 * kMinute), 1e308)}));
  const std::string element = R"("min":1e308,"max":1e308,"avg":1e308,"sum":null,"count":2)";
  for (const std::string& window :
       {std::string(), WindowQuery({At(0), At(2 * kHour - 1)}),
        WindowQuery({At(kMinute), At(119 * kMinute)}), std::string("&interval=1_day")}) {
    const std::string query = "get_statistics_inputdata_by_inputs?input_ids=" + boiler_.id +
                              "&aggregation_func=min,max,avg,sum,count" + window;
    SCOPED_TRACE(query);
    const std::string timestamp = window.find("interval") == std::string::npos
                                      ? ""
                                      : R"("timestamp":"2021-03-01T00:00:00.000000Z",)";
    EXPECT_TRUE(IsFetchAnswer(
        Fetch(query), "[" + ExpectedInput(boiler_, "[{" + timestamp + element + "}]") + "]"));
  }
}

// ---- timeperiod_last -------------------------------------------------------------

class StatisticsLastTest : public FetchTest {};

TEST_F(StatisticsLastTest, TimeperiodLastCountsBackFromNow) {
  using namespace std::chrono;
  const int64_t now = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  std::vector<SentReading> readings;
  for (int64_t ago : {3 * kMinute, 40 * kMinute, 5 * kHour, 3 * kDay, 8 * kDay, -kHour}) {
    SentReading r;
    r.micros = now - ago;
    r.value = static_cast<double>(ago / kMinute) / 4;
    readings.push_back(r);
  }
  ASSERT_TRUE(UploadReadings(meter_, readings));
  struct Case {
    std::string last;
    int64_t span;
  };
  for (const Case& c : std::vector<Case>{{"1_hour", kHour},
                                         {"2_hours", 2 * kHour},
                                         {"1_day", kDay},
                                         {"5_days", 5 * kDay},
                                         {"2_weeks", 14 * kDay},
                                         {"1_minute", kMinute}}) {
    const Window window{now - c.span, now};
    for (const std::string endpoint :
         {"get_latest_statistics_inputdata_by_inputs", "get_statistics_inputdata_by_inputs"}) {
      const std::string query =
          endpoint + "/?input_ids=" + meter_.id + kAllQuery + "&timeperiod_last=" + c.last;
      SCOPED_TRACE(query);
      EXPECT_TRUE(IsStatsAnswer(Fetch(query), {{meter_, BruteStatistics(readings, window)}},
                                kAllFunctions));
    }
  }
  EXPECT_TRUE(IsStatsAnswer(
      Fetch("get_latest_statistics_inputdata_by_asset/?asset_id=67&timeperiod-last=%225_days%22"),
      {{pump_, {ExpectedStats{}}},
       {meter_, BruteStatistics(readings, {now - 5 * kDay, now})},
       {boiler_, {ExpectedStats{}}}},
      {"min", "max", "avg"}, false, std::make_pair(int64_t{67}, std::string("Plant"))));
}

}  // namespace
}  // namespace dc::testing
