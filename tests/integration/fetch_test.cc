// The raw-data fetch endpoints against the real server: what a client sees
// for every endpoint, windows, limits, order, optional fields and the
// by-asset wrapper (docs/api.md "Fetch").

#include <chrono>
#include <string>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

using FetchRawTest = FetchDataTest;

// The answer of asset 67 around `inputs_json`.
std::string Plant(std::string_view inputs_json) { return ExpectedAsset(67, "Plant", inputs_json); }

// ---- Every endpoint -------------------------------------------------------

// The query each endpoint gets in the endpoint-wide tests: Meter's readings
// of 2021-03-01 (a window, which every endpoint accepts).
std::string EndpointQuery(const FetchEndpoint& endpoint, const InputInfo& meter) {
  return std::string(endpoint.by_asset ? "asset_id=67" : "input_ids=" + meter.id) +
         "&timeperiod_start=2021-03-01&timeperiod_finish=2021-03-01";
}

TEST_F(FetchRawTest, EveryEndpointAnswersJsonWithOrWithoutTheTrailingSlash) {
  const Window day1{TimestampMicrosAt(0), TimestampMicrosAt(86'400) - 1};
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    // Per input, in the asset's order for the by-asset endpoints.
    std::vector<std::pair<InputInfo, const std::vector<SentReading>*>> inputs = {
        {meter_, &meter_readings_}};
    if (endpoint.by_asset) {
      inputs = {{pump_, &pump_readings_}, {meter_, &meter_readings_}, {boiler_, &boiler_readings_}};
    }
    std::vector<std::pair<InputInfo, std::vector<SentReading>>> raw;
    std::vector<InputStats> stats;
    for (const auto& [input, readings] : inputs) {
      raw.emplace_back(input, SelectRaw(*readings, day1, Order::kTimestampDesc));
      stats.push_back({input, BruteStatistics(*readings, day1)});
    }
    for (const std::string slash : {"", "/"}) {
      const std::string target = endpoint.name + slash + "?" + EndpointQuery(endpoint, meter_);
      SCOPED_TRACE(target);
      FetchResponse response = Fetch(target);
      EXPECT_EQ(response.http.Header("location"), "");
      if (endpoint.statistics) {
        EXPECT_TRUE(IsStatsAnswer(response, stats, {"min", "max", "avg"}, false,
                                  endpoint.by_asset ? std::make_optional(std::make_pair(
                                                          int64_t{67}, std::string("Plant")))
                                                    : std::nullopt));
      } else {
        EXPECT_TRUE(IsFetchAnswer(
            response, endpoint.by_asset ? Plant(ExpectedRawList(raw)) : ExpectedRawList(raw)));
      }
    }
  }
}

TEST_F(FetchRawTest, HeadGivesTheHeadersOfGetAndNoBody) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    for (const std::string slash : {"", "/"}) {
      const std::string target =
          kFetchBase + endpoint.name + slash + "?" + EndpointQuery(endpoint, meter_);
      SCOPED_TRACE("HEAD " + target);
      const HttpResponse get = Fetch(target).http;
      ASSERT_EQ(get.status, 200) << get.body;

      HttpClient client(server_->port());
      const HttpResponse head = client.Request("HEAD", target, Credentials());
      EXPECT_EQ(head.status, 200);
      EXPECT_EQ(head.Header("content-type"), "application/json");
      EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
      EXPECT_TRUE(head.body.empty());
      // Had the server sent a body after the head, it would be read here as
      // the next response.
      const HttpResponse next = client.Request("GET", target, Credentials());
      EXPECT_EQ(next.status, 200);
      EXPECT_EQ(next.body, get.body);
    }
  }
}

TEST_F(FetchRawTest, PostAndDeleteAre405AllowingGetAndHead) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    for (const std::string slash : {"", "/"}) {
      for (const std::string method : {"POST", "DELETE"}) {
        const std::string target = endpoint.name + slash + "?" + EndpointQuery(endpoint, meter_);
        SCOPED_TRACE(method + " " + target);
        Headers headers = Credentials();
        headers.emplace_back("content-type", "application/json");
        const HttpResponse response = Request(method, target, headers).http;
        EXPECT_TRUE(IsError(response, 405));
        EXPECT_EQ(response.Header("allow"), "GET, HEAD");
      }
    }
  }
}

// ---- Reading shape ----------------------------------------------------------

TEST_F(FetchRawTest, ValuesAreJsonNumbersAndTimestampsUtcWithMicroseconds) {
  FetchResponse response = Fetch("get_inputdata_by_inputs?input_ids=" + meter_.id);
  EXPECT_TRUE(IsFetchAnswer(
      response,
      ExpectedRawList({{meter_, SelectRaw(meter_readings_, {}, Order::kTimestampDesc)}})));
  // The text itself, as a client's JSON parser gets it.
  const std::string& body = response.http.body;
  EXPECT_NE(body.find(R"({"timestamp":"2021-03-01T06:00:01.500000Z","value":9})"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"({"timestamp":"2021-03-01T06:00:05.000000Z","value":-3.5})"),
            std::string::npos)
      << body;

  // Arbitrary doubles come back exactly (shortest round-trip form).
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_inputdata_by_inputs?input_ids=" + pump_.id),
      ExpectedRawList({{pump_, SelectRaw(pump_readings_, {}, Order::kTimestampDesc)}})));
}

TEST_F(FetchRawTest, FlagsAddExactlyTheirFieldsAndNothingElse) {
  for (int mask = 0; mask < 8; ++mask) {
    const RawFields fields{(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
    // true/false and 1/0 alike; a false flag may also be left out.
    auto flag = [mask](const char* name, bool on) -> std::string {
      if (on) return std::string("&") + name + (mask % 3 == 0 ? "=1" : "=true");
      if (mask % 2 == 0) return "";
      return std::string("&") + name + (mask % 3 == 0 ? "=0" : "=false");
    };
    const std::string query = "get_inputdata_by_inputs?input_ids=" + meter_.id +
                              flag("is_add_lat_long", fields.lat_long) +
                              flag("is_add_x_axis_data", fields.x_axis) +
                              flag("is_add_metadata", fields.metadata);
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsFetchAnswer(
        Fetch(query),
        ExpectedRawList({{meter_, SelectRaw(meter_readings_, {}, Order::kTimestampDesc)}},
                        fields)));
  }
  // The same through the by-asset twin.
  const RawFields all{true, true, true};
  EXPECT_TRUE(
      IsFetchAnswer(Fetch("get_latest_inputdata_by_asset?asset_id=67&input_ids=" + meter_.id +
                          "&is_add_lat_long=true&is_add_x_axis_data=true&is_add_metadata=true"),
                    Plant(ExpectedRawList(
                        {{meter_, SelectRaw(meter_readings_, {}, Order::kTimestampDesc)}}, all))));
}

// ---- Windows ----------------------------------------------------------------

TEST_F(FetchRawTest, ReadingsExactlyAtStartAndFinishAreIncluded) {
  const std::vector<SentReading>& m = meter_readings_;
  struct Case {
    std::string start;
    std::string finish;
    Window window;
  };
  const std::vector<Case> cases = {
      // Full microsecond timestamps on two readings.
      {FormatMicros(m[1].micros), FormatMicros(m[4].micros), {m[1].micros, m[4].micros}},
      // The reference's form, on whole seconds that hold readings.
      {"2021-03-01 06:00:03", "2021-03-01 06:00:05", {m[3].micros, m[5].micros}},
      // One microsecond inside either end excludes those readings.
      {FormatMicros(m[1].micros + 1),
       FormatMicros(m[4].micros - 1),
       {m[1].micros + 1, m[4].micros - 1}},
      // A window of one instant.
      {FormatMicros(m[3].micros), FormatMicros(m[3].micros), {m[3].micros, m[3].micros}},
  };
  for (const Case& c : cases) {
    const std::string query = "get_inputdata_by_inputs?input_ids=" + meter_.id +
                              "&timeperiod_start=" + UrlEncode(c.start) +
                              "&timeperiod_finish=" + UrlEncode(c.finish) + "&sort_by=asc";
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsFetchAnswer(
        Fetch(query), ExpectedRawList({{meter_, SelectRaw(m, c.window, Order::kTimestampAsc)}})));
  }
  ASSERT_EQ(SelectRaw(m, cases[0].window, Order::kTimestampAsc).size(), 4u);
  ASSERT_EQ(SelectRaw(m, cases[1].window, Order::kTimestampAsc).size(), 3u);

  // On a longer series, windows on reading instants (boiler readings 100 and
  // 700) include both.
  const std::vector<SentReading>& b = boiler_readings_;
  const Window window{b[100].micros, b[700].micros};
  const std::string query = "get_inputdata_by_inputs?input_ids=" + boiler_.id +
                            "&timeperiod_start=" + FormatMicros(b[100].micros) +
                            "&timeperiod_finish=" + FormatMicros(b[700].micros);
  EXPECT_TRUE(IsFetchAnswer(
      Fetch(query), ExpectedRawList({{boiler_, SelectRaw(b, window, Order::kTimestampDesc)}})));
  EXPECT_EQ(SelectRaw(b, window, Order::kTimestampDesc).size(), 601u);
}

TEST_F(FetchRawTest, AnAbsentWindowEndIsUnbounded) {
  const std::vector<SentReading>& m = meter_readings_;
  const std::string base = "get_inputdata_by_inputs?input_ids=" + meter_.id + "&sort_by=asc";
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_start=" + FormatMicros(m[6].micros)),
                            ExpectedRawList({{meter_, SelectRaw(m, {m[6].micros, std::nullopt},
                                                                Order::kTimestampAsc)}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_finish=" + FormatMicros(m[2].micros)),
                            ExpectedRawList({{meter_, SelectRaw(m, {std::nullopt, m[2].micros},
                                                                Order::kTimestampAsc)}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base), ExpectedRawList({{meter_, m}})));
}

TEST_F(FetchRawTest, DateOnlyFinishMeansTheEndOfThatDay) {
  const std::vector<SentReading>& m = meter_readings_;
  const std::string base = "get_inputdata_by_inputs?input_ids=" + meter_.id + "&sort_by=asc";
  // Readings 8 (23:59:59.999999 on 03-02) and 9 (00:00:00 on 03-03) sit on the
  // day's edge.
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_finish=2021-03-02"),
                            ExpectedRawList({{meter_, {m.begin(), m.begin() + 9}}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_start=2021-03-03"),
                            ExpectedRawList({{meter_, {m[9]}}})));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(base + "&timeperiod_start=2021-03-02&timeperiod_finish=2021-03-02"),
                    ExpectedRawList({{meter_, {m[8]}}})));
  // A full timestamp means that instant, even at midnight.
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_finish=" + UrlEncode("2021-03-02 00:00:00")),
                            ExpectedRawList({{meter_, {m.begin(), m.begin() + 8}}})));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(base + "&timeperiod_start=2021-03-01&timeperiod_finish=2021-03-01"),
                    ExpectedRawList({{meter_, {m.begin(), m.begin() + 8}}})));
}

TEST_F(FetchRawTest, AWindowWithoutReadingsGivesAnEmptyList) {
  // Before every reading, and a gap between two of Meter's readings.
  EXPECT_TRUE(
      IsFetchAnswer(Fetch("get_inputdata_by_inputs?input_ids=" + meter_.id + "," + boiler_.id +
                          "&timeperiod_start=2020-01-01&timeperiod_finish=2020-12-31"),
                    ExpectedRawList({{meter_, {}}, {boiler_, {}}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_inputs?input_ids=" + meter_.id +
                                  "&timeperiod_start=2021-03-01T06:00:08Z"
                                  "&timeperiod_finish=2021-03-02T23:59:59Z"),
                            ExpectedRawList({{meter_, {}}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_asset?asset_id=67&timeperiod_start=2030-01-01"),
                            Plant(ExpectedRawList({{pump_, {}}, {meter_, {}}, {boiler_, {}}}))));
}

// ---- Limit and order --------------------------------------------------------

TEST_F(FetchRawTest, DefaultLimitIs1000ReadingsPerInput) {
  const std::vector<SentReading>& b = boiler_readings_;
  ASSERT_EQ(b.size(), 1005u);
  const std::string base = "get_inputdata_by_inputs?input_ids=" + boiler_.id;
  // The newest 1000 by default, the oldest 1000 in ascending order.
  EXPECT_TRUE(IsFetchAnswer(Fetch(base),
                            ExpectedRawList({{boiler_, SelectRaw(b, {}, Order::kTimestampDesc)}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&sort_by=asc"),
                            ExpectedRawList({{boiler_, {b.begin(), b.begin() + 1000}}})));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(base + "&limit=1005&sort_by=asc"), ExpectedRawList({{boiler_, b}})));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(base + "&limit=100000&sort_by=asc"), ExpectedRawList({{boiler_, b}})));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&limit=1"), ExpectedRawList({{boiler_, {b.back()}}})));

  // Per input: each gets its own limit.
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_inputdata_by_inputs?limit=3&input_ids=" + boiler_.id + "," + meter_.id + "," +
            pump_.id),
      ExpectedRawList({{boiler_, SelectRaw(b, {}, Order::kTimestampDesc, 3)},
                       {meter_, SelectRaw(meter_readings_, {}, Order::kTimestampDesc, 3)},
                       {pump_, SelectRaw(pump_readings_, {}, Order::kTimestampDesc, 3)}})));
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_inputdata_by_asset?asset_id=67&limit=2"),
      Plant(ExpectedRawList({{pump_, SelectRaw(pump_readings_, {}, Order::kTimestampDesc, 2)},
                             {meter_, SelectRaw(meter_readings_, {}, Order::kTimestampDesc, 2)},
                             {boiler_, SelectRaw(b, {}, Order::kTimestampDesc, 2)}}))));
}

TEST_F(FetchRawTest, OrderByTimestampOrDateInEitherDirectionNewestFirstByDefault) {
  const std::vector<SentReading>& b = boiler_readings_;
  const Window window{b[10].micros - 1, b[40].micros + 1};
  const std::string base = "get_inputdata_by_inputs?input_ids=" + boiler_.id +
                           "&limit=7&timeperiod_start=" + FormatMicros(*window.start) +
                           "&timeperiod_finish=" + FormatMicros(*window.finish);
  struct Case {
    std::string params;
    Order order;
  };
  for (const Case& c : std::vector<Case>{{"", Order::kTimestampDesc},
                                         {"&sort_by=desc", Order::kTimestampDesc},
                                         {"&order_by=timestamp", Order::kTimestampDesc},
                                         {"&order_by=timestamp&sort_by=asc", Order::kTimestampAsc},
                                         {"&sort_by=asc", Order::kTimestampAsc},
                                         {"&order_by=date&sort_by=asc", Order::kTimestampAsc},
                                         {"&order_by=date&sort_by=desc", Order::kTimestampDesc},
                                         {"&order_by=value", Order::kValueDesc},
                                         {"&order_by=value&sort_by=asc", Order::kValueAsc}}) {
    SCOPED_TRACE(c.params);
    EXPECT_TRUE(IsFetchAnswer(Fetch(base + c.params),
                              ExpectedRawList({{boiler_, SelectRaw(b, window, c.order, 7)}})));
  }
}

TEST_F(FetchRawTest, OrderByValueDescLimit5GivesTheFiveHighestValues) {
  const std::vector<SentReading>& m = meter_readings_;
  const std::string base = "get_inputdata_by_inputs?input_ids=" + meter_.id;
  // Three 9s, then two 7s; ties newest first, as the direction says.
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&order_by=value&sort_by=desc&limit=5"),
                            ExpectedRawList({{meter_, {m[4], m[2], m[1], m[6], m[3]}}})));
  // Ascending: lowest first, ties oldest first.
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(base + "&order_by=value&sort_by=asc&limit=7"),
                    ExpectedRawList({{meter_, {m[5], m[8], m[7], m[9], m[0], m[3], m[6]}}})));

  // On a longer series, with repeated values, against brute force.
  const std::vector<SentReading>& b = boiler_readings_;
  for (const std::string params :
       {"&order_by=value&sort_by=desc&limit=5", "&order_by=value&sort_by=asc&limit=30",
        "&order_by=value&sort_by=desc&limit=1005"}) {
    SCOPED_TRACE(params);
    const bool asc = params.find("asc") != std::string::npos;
    const size_t limit = std::stoul(params.substr(params.rfind('=') + 1));
    EXPECT_TRUE(IsFetchAnswer(
        Fetch("get_inputdata_by_inputs?input_ids=" + boiler_.id + params),
        ExpectedRawList(
            {{boiler_, SelectRaw(b, {}, asc ? Order::kValueAsc : Order::kValueDesc, limit)}})));
  }
  // The highest of a window only.
  const Window window{TimestampMicrosAt(3600), TimestampMicrosAt(7200)};
  EXPECT_TRUE(
      IsFetchAnswer(Fetch("get_inputdata_by_inputs?input_ids=" + boiler_.id +
                          "&order_by=value&sort_by=desc&limit=5&timeperiod_start=" +
                          UrlEncode("2021-03-01 01:00:00") +
                          "&timeperiod_finish=" + UrlEncode("2021-03-01 02:00:00")),
                    ExpectedRawList({{boiler_, SelectRaw(b, window, Order::kValueDesc, 5)}})));
}

// ---- Which inputs, in which order --------------------------------------------

TEST_F(FetchRawTest, InputsComeInTheOrderTheirIdsWereGiven) {
  auto newest = [](const std::vector<SentReading>& readings) {
    return SelectRaw(readings, {}, Order::kTimestampDesc, 2);
  };
  EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_inputs?limit=2&input_ids=" + meter_.id + "," +
                                  boiler_.id + "," + pump_.id),
                            ExpectedRawList({{meter_, newest(meter_readings_)},
                                             {boiler_, newest(boiler_readings_)},
                                             {pump_, newest(pump_readings_)}})));
  // Spaces around ids are ignored.
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_inputdata_by_inputs?limit=2&input_ids=" + pump_.id + "%20,%20" + meter_.id),
      ExpectedRawList({{pump_, newest(pump_readings_)}, {meter_, newest(meter_readings_)}})));
}

TEST_F(FetchRawTest, ByAssetWrapsTheInputsInTheAssetsOrderOrTheFiltersOrder) {
  auto newest = [](const std::vector<SentReading>& readings) {
    return SelectRaw(readings, {}, Order::kTimestampDesc, 2);
  };
  for (const std::string endpoint : {"get_inputdata_by_asset", "get_latest_inputdata_by_asset"}) {
    SCOPED_TRACE(endpoint);
    EXPECT_TRUE(IsFetchAnswer(Fetch(endpoint + "?asset_id=67&limit=2"),
                              Plant(ExpectedRawList({{pump_, newest(pump_readings_)},
                                                     {meter_, newest(meter_readings_)},
                                                     {boiler_, newest(boiler_readings_)}}))));
    EXPECT_TRUE(IsFetchAnswer(
        Fetch(endpoint + "?asset_id=67&limit=2&input_ids=" + boiler_.id + "," + pump_.id),
        Plant(ExpectedRawList(
            {{boiler_, newest(boiler_readings_)}, {pump_, newest(pump_readings_)}}))));
    EXPECT_TRUE(IsFetchAnswer(Fetch(endpoint + "?asset_id=67&limit=2&inputs_ids=" + meter_.id),
                              Plant(ExpectedRawList({{meter_, newest(meter_readings_)}}))));
  }
}

// ---- timeperiod_last ------------------------------------------------------

class FetchLastTest : public FetchTest {
 protected:
  void SetUp() override {
    FetchTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    using namespace std::chrono;
    now_ = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    // Each well inside the windows it belongs to: the server's "now" is a
    // little later than this one.
    for (int64_t ago : {2 * kMinute, 50 * kMinute, 3 * kHour, 2 * kDay, 6 * kDay, 9 * kDay,
                        30 * kDay, -kHour /* in the future */}) {
      SentReading r;
      r.micros = now_ - ago + 123;  // not on a whole second
      r.value = static_cast<double>(ago / kMinute);
      readings_.push_back(r);
    }
    ASSERT_TRUE(UploadReadings(boiler_, readings_));
  }

  // Readings at most `span` old, newest first.
  std::vector<SentReading> Within(int64_t span) const {
    return SelectRaw(readings_, {now_ - span, now_}, Order::kTimestampDesc);
  }

  int64_t now_ = 0;
  std::vector<SentReading> readings_;
};

TEST_F(FetchLastTest, TimeperiodLastCountsBackFromNow) {
  struct Case {
    std::string last;
    int64_t span;
    size_t count;
  };
  const std::vector<Case> cases = {
      {"10_minutes", 10 * kMinute, 1}, {"1_minute", kMinute, 0},  {"1_hour", kHour, 2},
      {"4_hours", 4 * kHour, 3},       {"1_day", kDay, 3},        {"5_days", 5 * kDay, 4},
      {"1_week", 7 * kDay, 5},         {"2_weeks", 14 * kDay, 6}, {"65_days", 65 * kDay, 7},
  };
  for (const std::string endpoint : {"get_latest_inputdata_by_inputs", "get_inputdata_by_inputs"}) {
    for (const Case& c : cases) {
      const std::string query =
          endpoint + "/?input_ids=" + boiler_.id + "&timeperiod_last=" + c.last;
      SCOPED_TRACE(query);
      ASSERT_EQ(Within(c.span).size(), c.count);
      EXPECT_TRUE(IsFetchAnswer(Fetch(query), ExpectedRawList({{boiler_, Within(c.span)}})));
    }
  }
  // Quoted as in the reference, under its dashed name, and by asset.
  EXPECT_TRUE(
      IsFetchAnswer(Fetch("get_latest_inputdata_by_inputs/?inputs_ids=\"" + boiler_.id +
                          "\"&timeperiod-last=\"5_days\"&order_by=\"timestamp\"&sort_by=\"desc\""),
                    ExpectedRawList({{boiler_, Within(5 * kDay)}})));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch("get_latest_inputdata_by_asset/?asset_id=67&timeperiod_last=1_hour"),
                    Plant(ExpectedRawList({{pump_, {}}, {meter_, {}}, {boiler_, Within(kHour)}}))));
}

}  // namespace
}  // namespace dc::testing
