// The fetch endpoints' query parameters through real HTTP: aliases, quoted
// values, `+` and `%2B`, the reference's own example requests, and every
// error with its status and the parameter it names (docs/api.md "Fetch",
// "Query strings", "Order of checks").

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

// 2021-03-01T00:00:00Z plus `micros`.
int64_t At(int64_t micros) { return TimestampMicrosAt(0) + micros; }

// Replaces every `from` in `text` with `to`.
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

const std::pair<int64_t, std::string> kPlant = {67, "Plant"};

class FetchParamsTest : public FetchDataTest {
 protected:
  std::string Plant(std::string_view inputs_json) const {
    return ExpectedAsset(67, "Plant", inputs_json);
  }
};

// ---- Accepted forms -----------------------------------------------------------

TEST_F(FetchParamsTest, AliasesGiveTheSameAnswer) {
  const std::vector<SentReading>& m = meter_readings_;
  const Window window{m[1].micros, m[6].micros};
  const std::string start = FormatMicros(m[1].micros);
  const std::string finish = FormatMicros(m[6].micros);
  const std::string expected =
      ExpectedRawList({{meter_, SelectRaw(m, window, Order::kTimestampAsc)}}, {true, false, false});
  for (const std::string& query : std::vector<std::string>{
           "input_ids=" + meter_.id + "&timeperiod_start=" + start + "&timeperiod_finish=" +
               finish + "&order_by=timestamp&sort_by=asc&is_add_lat_long=true",
           "inputs_ids=" + meter_.id + "&timeperiod-start=" + start +
               "&timeperiod-finish=" + finish + "&order_by=date&sort_by=asc&is_add_lat_long=1",
           "inputs_ids=" + meter_.id + "&timeperiod_start=" + start + "&timeperiod-finish=" +
               finish + "&sort_by=asc&is_add_lat_long=true&is_add_metadata=0",
       }) {
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_inputs?" + query), expected));
  }
  // timeperiod-last: the last 1000 weeks hold all of 2021.
  for (const std::string last : {"timeperiod_last", "timeperiod-last"}) {
    SCOPED_TRACE(last);
    EXPECT_TRUE(
        IsFetchAnswer(Fetch("get_latest_inputdata_by_inputs?inputs_ids=" + meter_.id + "&" + last +
                            "=1000_weeks"),
                      ExpectedRawList({{meter_, SelectRaw(m, {}, Order::kTimestampDesc)}})));
  }
}

// Over the longest span the server takes, the error says what that span
// is, instead of blaming N's form (docs/api.md "Fetch").
class FetchSpanTest : public FetchTest {};

TEST_F(FetchSpanTest, SpanOverTheLargestNamesTheLargest) {
  for (const auto& [endpoint, name] :
       {std::pair<std::string, std::string>{"get_inputdata_by_inputs", "timeperiod_last"},
        {"get_statistics_inputdata_by_inputs", "timeperiod-last"},
        {"get_statistics_inputdata_by_inputs", "interval"}}) {
    SCOPED_TRACE(endpoint + " " + name);
    const std::string base = endpoint + "?input_ids=" + boiler_.id + "&" + name + "=";
    const HttpResponse over = Fetch(base + "3660001_days").http;
    EXPECT_TRUE(IsParameterError(over, 400, name));
    EXPECT_EQ(ErrorDetail(over), name +
                                     " is at most 3660000 days (10000 years of 366 days), got "
                                     "'3660001_days'");
    // Hours and weeks are measured against the same span.
    EXPECT_TRUE(IsParameterError(Fetch(base + "522858_weeks").http, 400, name));
    EXPECT_EQ(Fetch(base + "522857_weeks").http.status, 200);
    // Not a number: the message about N's form, as before.
    const HttpResponse malformed = Fetch(base + "x_days").http;
    EXPECT_TRUE(IsParameterError(malformed, 400, name));
    EXPECT_NE(ErrorDetail(malformed).find("N a positive integer"), std::string::npos)
        << ErrorDetail(malformed);
  }
}

TEST_F(FetchParamsTest, QuotedValuesLoseTheirQuotes) {
  const std::vector<SentReading>& m = meter_readings_;
  const std::vector<SentReading>& b = boiler_readings_;
  const Window window{At(6 * kHour + kSecond), At(3 * kDay - 1)};
  // Every value wrapped in Q; Q's own encoding as sent.
  auto raw_query = [&](const std::string& q) {
    return "input_ids=" + q + meter_.id + "," + boiler_.id + q + "&timeperiod_start=" + q +
           "2021-03-01%2006:00:01" + q + "&timeperiod_finish=" + q + "2021-03-03" + q +
           "&limit=" + q + "3" + q + "&order_by=" + q + "value" + q + "&sort_by=" + q + "asc" + q +
           "&is_add_lat_long=" + q + "true" + q + "&is_add_x_axis_data=" + q + "1" + q +
           "&is_add_metadata=" + q + "true" + q;
  };
  const std::string raw_expected =
      ExpectedRawList({{meter_, SelectRaw(m, window, Order::kValueAsc, 3)},
                       {boiler_, SelectRaw(b, window, Order::kValueAsc, 3)}},
                      {true, true, true});
  auto stats_query = [&](const std::string& q) {
    return "asset_id=" + q + "67" + q + "&inputs_ids=" + q + meter_.id + q +
           "&aggregation_func=" + q + "count,max" + q + "&interval=" + q + "1_day" + q +
           "&limit=" + q + "2" + q;
  };
  std::vector<ExpectedStats> meter_days = BruteStatistics(m, {}, kDay);
  meter_days.resize(2);
  for (const std::string q : {"", "\"", "%22", "'", "%27"}) {
    SCOPED_TRACE("quote " + q);
    EXPECT_TRUE(IsFetchAnswer(Fetch("get_inputdata_by_inputs?" + raw_query(q)), raw_expected));
    EXPECT_TRUE(IsStatsAnswer(Fetch("get_statistics_inputdata_by_asset?" + stats_query(q)),
                              {{meter_, meter_days}}, {"count", "max"}, true, kPlant));
  }
  // Quotes that do not pair up are part of the value, which is then bad.
  EXPECT_TRUE(IsParameterError(
      Fetch("get_inputdata_by_inputs?input_ids=" + meter_.id + "&limit=%223%27").http, 400,
      "limit"));
  EXPECT_TRUE(IsParameterError(
      Fetch("get_inputdata_by_inputs?input_ids=" + meter_.id + "&limit=%223").http, 400, "limit"));
}

TEST_F(FetchParamsTest, PlusIsASpaceAndPercent2BIsAnOffset) {
  const std::vector<SentReading>& m = meter_readings_;
  const std::string expected =
      ExpectedRawList({{meter_, {m[5], m[4], m[3]}}});  // 06:00:03 .. 06:00:05, newest first
  const std::string base = "get_inputdata_by_inputs?input_ids=" + meter_.id;
  EXPECT_TRUE(IsFetchAnswer(
      Fetch(base + "&timeperiod_start=2021-03-01+06:00:03&timeperiod_finish=2021-03-01+06:00:05"),
      expected));
  EXPECT_TRUE(IsFetchAnswer(Fetch(base + "&timeperiod_start=2021-03-01T08:00:03%2B02:00"
                                         "&timeperiod_finish=2021-03-01T01:00:05-05:00"),
                            expected));
  // A literal '+' is a space: "2021-03-01T08:00:03 02:00" is no timestamp.
  EXPECT_TRUE(IsParameterError(Fetch(base + "&timeperiod_start=2021-03-01T08:00:03+02:00").http,
                               400, "timeperiod_start"));
  // Around ids, spaces sent as '+' are ignored.
  EXPECT_TRUE(IsFetchAnswer(
      Fetch("get_inputdata_by_inputs?limit=1&input_ids=" + meter_.id + ",+" + pump_.id + "+"),
      ExpectedRawList({{meter_, {m.back()}}, {pump_, {pump_readings_.back()}}})));
}

// The reference's eight example requests ("Fetch data", "Examples"), with its
// placeholder ids replaced by Meter, Boiler and Pump, its window moved onto
// the test's readings, and readings added within its last 5 days.
class ReferenceExamplesTest : public FetchParamsTest {
 protected:
  void SetUp() override {
    FetchParamsTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    using namespace std::chrono;
    now_ = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    auto reading = [this](int64_t ago, double value) {
      SentReading r;
      r.micros = now_ - ago;
      r.value = value;
      return r;
    };
    recent_meter_ = {reading(2 * kDay, 12), reading(kHour, 11)};
    recent_boiler_ = {reading(6 * kDay, 14), reading(3 * kDay, 13)};
    ASSERT_TRUE(UploadReadings(meter_, recent_meter_));
    ASSERT_TRUE(UploadReadings(boiler_, recent_boiler_));
  }

  // The reference's text for its host-less URL, made concrete.
  std::string Concrete(std::string url) const {
    url = ReplaceAll(url, "senXXXX,senXXXY,senXXXZ", meter_.id + "," + boiler_.id + "," + pump_.id);
    url = ReplaceAll(url, "senXXXX", meter_.id);
    url = ReplaceAll(url, "2020-10-03 15:31:55", "2021-03-01 05:31:55");
    return ReplaceAll(url, "2020-11-03 15:31:55", "2021-03-02 15:31:55");
  }

  int64_t now_ = 0;
  std::vector<SentReading> recent_meter_;
  std::vector<SentReading> recent_boiler_;
};

TEST_F(ReferenceExamplesTest, EveryExampleRequestWorksAsWritten) {
  const Window window{At(5 * kHour + 31 * kMinute + 55 * kSecond),
                      At(39 * kHour + 31 * kMinute + 55 * kSecond)};
  const Window last5{now_ - 5 * kDay, now_};
  std::vector<SentReading> meter = meter_readings_;
  meter.insert(meter.end(), recent_meter_.begin(), recent_meter_.end());
  std::vector<SentReading> boiler = boiler_readings_;
  boiler.insert(boiler.end(), recent_boiler_.begin(), recent_boiler_.end());
  const std::vector<SentReading>& pump = pump_readings_;

  auto raw_inputs = [&](const Window& w) {
    return ExpectedRawList({{meter_, SelectRaw(meter, w, Order::kTimestampDesc)},
                            {boiler_, SelectRaw(boiler, w, Order::kTimestampDesc)},
                            {pump_, SelectRaw(pump, w, Order::kTimestampDesc)}});
  };
  auto raw_asset = [&](const Window& w) {
    return Plant(ExpectedRawList({{pump_, SelectRaw(pump, w, Order::kTimestampDesc)},
                                  {meter_, SelectRaw(meter, w, Order::kTimestampDesc)},
                                  {boiler_, SelectRaw(boiler, w, Order::kTimestampDesc)}}));
  };
  auto stats_inputs = [&](const Window& w) {
    return std::vector<InputStats>{{meter_, BruteStatistics(meter, w)},
                                   {boiler_, BruteStatistics(boiler, w)},
                                   {pump_, BruteStatistics(pump, w)}};
  };
  auto stats_asset = [&](const Window& w) {
    return std::vector<InputStats>{{pump_, BruteStatistics(pump, w)},
                                   {meter_, BruteStatistics(meter, w)},
                                   {boiler_, BruteStatistics(boiler, w)}};
  };
  ASSERT_EQ(SelectRaw(meter, last5, Order::kTimestampDesc).size(), 2u);
  ASSERT_EQ(SelectRaw(boiler, last5, Order::kTimestampDesc).size(), 1u);

  struct Example {
    std::string url;                     // as the reference writes it, without the host
    std::string raw;                     // the expected raw answer, or
    std::vector<InputStats> stats = {};  // the expected statistics, or
    bool asset_id_is_bad = false;        // 400 naming asset_id
    bool by_asset = false;
  };
  const std::vector<Example> examples = {
      {R"(/api/external/v1/get_inputdata_by_inputs/?inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc")",
       raw_inputs(window)},
      {R"(/api/external/v1/get_latest_inputdata_by_inputs/?inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days"&order_by="timestamp"&sort_by="desc")",
       raw_inputs(last5)},
      {R"(/api/external/v1/get_statistics_inputdata_by_inputs/?inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"&aggregation_func="min,max,avg")",
       "", stats_inputs(window)},
      {R"(/api/external/v1/get_statistics_inputdata_by_inputs/?inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days"&aggregation_func="min,max,avg")",
       "", stats_inputs(last5)},
      {R"(/api/external/v1/get_inputdata_by_asset/?asset_id="67"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc")",
       raw_asset(window)},
      {R"(/api/external/v1/get_latest_inputdata_by_asset/?asset_id="67"&timeperiod_last="5_days"&order_by="timestamp"&sort_by="desc")",
       raw_asset(last5)},
      {R"(/api/external/v1/get_statistics_inputdata_by_asset/?asset_id="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"&aggregation_func="min,max,avg")",
       "",
       {},
       /*asset_id_is_bad=*/true},
      {R"(/api/external/v1/get_latest_statistics_inputdata_by_asset/?asset_id="67"&timeperiod_last="5_days"&aggregation_func="min,max,avg")",
       "", stats_asset(last5), false, /*by_asset=*/true},
      // "If you want to get inputdata only for several inputs from asset, you
      // should add 'inputs_ids' parameter to request."
      {R"(/api/external/v1/get_inputdata_by_asset/?asset_id="67"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc"&inputs_ids="senXXXX")",
       Plant(ExpectedRawList({{meter_, SelectRaw(meter, window, Order::kTimestampDesc)}}))},
  };

  // How clients put the reference's spaces and quotes on the wire: curl
  // with the spaces escaped, a browser or `requests`, an HTML form.
  struct Encoding {
    std::string name;
    std::string space;
    std::string quote;
    Headers headers;
  };
  const std::vector<Encoding> encodings = {
      {"curl",
       "%20",
       "\"",
       {{"Content-Type", "application/json"},
        {"ORGANIZATION-ID", org_.id},
        {"ORGANIZATION-API-KEY", org_.api_key}}},
      {"requests",
       "%20",
       "%22",
       {{"ORGANIZATION_ID", org_.id}, {"ORGANIZATION_API_KEY", org_.api_key}}},
      {"form", "+", "\"", {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}}},
  };
  for (const Encoding& encoding : encodings) {
    for (const Example& example : examples) {
      const std::string target =
          ReplaceAll(ReplaceAll(Concrete(example.url), " ", encoding.space), "\"", encoding.quote);
      SCOPED_TRACE(encoding.name + ": GET " + target);
      const FetchResponse response = Request("GET", target, encoding.headers);
      if (example.asset_id_is_bad) {
        EXPECT_TRUE(IsParameterError(response.http, 400, "asset_id"));
      } else if (!example.raw.empty()) {
        EXPECT_TRUE(IsFetchAnswer(response, example.raw));
      } else {
        EXPECT_TRUE(IsStatsAnswer(response, example.stats, {"min", "max", "avg"}, false,
                                  example.by_asset ? std::make_optional(kPlant) : std::nullopt));
      }
    }
  }
}

// ---- Errors ---------------------------------------------------------------------

// A valid query for `endpoint` naming Meter, to which a test adds a bad part.
std::string ValidQuery(const FetchEndpoint& endpoint, const InputInfo& meter) {
  return endpoint.by_asset ? "asset_id=67" : "input_ids=" + meter.id;
}

TEST_F(FetchParamsTest, CredentialsAreCheckedBeforeParametersAndParametersBeforeIds) {
  OrgInfo wrong_key = org_;
  wrong_key.api_key[0] = wrong_key.api_key[0] == 'a' ? 'b' : 'a';
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    SCOPED_TRACE(endpoint.name);
    const std::string unknown_id = endpoint.by_asset ? "asset_id=999" : "input_ids=sennotthere00";
    const std::string bad = endpoint.name + "?" + unknown_id + "&limit=0&colour=red";
    EXPECT_TRUE(IsError(Request("GET", bad, {}).http, 401));
    EXPECT_TRUE(IsError(Request("GET", bad, CredentialsOf(wrong_key)).http, 401));
    EXPECT_TRUE(IsError(Request("GET", bad, {{"organization-id", org_.id}}).http, 401));
    EXPECT_TRUE(IsError(Request("GET", endpoint.name, {}).http, 401));
    EXPECT_TRUE(IsParameterError(Fetch(bad).http, 400, "limit"));
    EXPECT_TRUE(IsParameterError(Fetch(endpoint.name + "?" + unknown_id).http, 404,
                                 endpoint.by_asset ? "asset_id" : "input_ids"));
  }
}

TEST_F(FetchParamsTest, UnknownParametersAre400NamingThemAsSpelt) {
  struct Case {
    std::string endpoint;
    std::string parameter;  // as sent, with a value
    std::string named;
  };
  const std::string raw = "get_inputdata_by_inputs";
  const std::string stats = "get_statistics_inputdata_by_inputs";
  const std::string asset = "get_latest_inputdata_by_asset";
  const std::vector<Case> cases = {
      {raw, "colour=red", "colour"},
      {raw, "Limit=5", "Limit"},
      {raw, "input_id=x", "input_id"},
      {raw, "timeperiod_begin=2021-03-01", "timeperiod_begin"},
      {raw, "timeperiod%20start=2021-03-01", "timeperiod start"},
      {raw, "aggregation_func=min", "aggregation_func"},
      {raw, "interval=1_hour", "interval"},
      {raw, "asset_id=67", "asset_id"},
      {stats, "order_by=value", "order_by"},
      {stats, "sort_by=asc", "sort_by"},
      {stats, "is_add_lat_long=true", "is_add_lat_long"},
      {stats, "is_add_metadata=false", "is_add_metadata"},
      {asset, "aggregation_func=min", "aggregation_func"},
      {asset, "asset=67", "asset"},
  };
  for (const Case& c : cases) {
    const bool by_asset = c.endpoint == asset;
    const std::string query = c.endpoint + "?" +
                              (by_asset ? "asset_id=67" : "input_ids=" + meter_.id) + "&" +
                              c.parameter;
    SCOPED_TRACE(query);
    EXPECT_TRUE(IsParameterError(Fetch(query).http, 400, c.named));
  }
  // A percent-encoded name is decoded before it is looked up.
  EXPECT_EQ(Fetch(raw + "?input_ids=" + meter_.id + "&li%6Dit=5").http.status, 200);
}

TEST_F(FetchParamsTest, ARepeatedParameterIs400NamingTheRepeat) {
  struct Case {
    std::string endpoint;
    std::string query;
    std::string named;
  };
  const std::string raw = "get_inputdata_by_inputs";
  const std::string stats = "get_latest_statistics_inputdata_by_inputs";
  const std::string asset = "get_inputdata_by_asset";
  const std::string m = meter_.id;
  const std::vector<Case> cases = {
      {raw, "input_ids=" + m + "&limit=1&limit=1", "limit"},
      {raw, "input_ids=" + m + "&inputs_ids=" + m, "inputs_ids"},
      {raw, "inputs_ids=" + m + "&input_ids=" + m, "input_ids"},
      {raw, "input_ids=" + m + "&input_ids=" + m, "input_ids"},
      {raw, "input_ids=" + m + "&timeperiod_start=2021-03-01&timeperiod-start=2021-03-01",
       "timeperiod-start"},
      {raw, "input_ids=" + m + "&timeperiod-finish=2021-03-01&timeperiod-finish=2021-03-02",
       "timeperiod-finish"},
      {raw, "input_ids=" + m + "&timeperiod_last=1_day&timeperiod-last=1_day", "timeperiod-last"},
      {raw, "input_ids=" + m + "&order_by=value&order_by=value", "order_by"},
      {raw, "input_ids=" + m + "&sort_by=asc&sort_by=desc", "sort_by"},
      {raw, "input_ids=" + m + "&is_add_metadata=true&is_add_metadata=true", "is_add_metadata"},
      {stats, "input_ids=" + m + "&aggregation_func=min&aggregation_func=max", "aggregation_func"},
      {stats, "input_ids=" + m + "&interval=1_hour&interval=1_hour", "interval"},
      {asset, "asset_id=67&asset_id=67", "asset_id"},
      {asset, "asset_id=67&input_ids=" + m + "&inputs_ids=" + m, "inputs_ids"},
  };
  for (const Case& c : cases) {
    const std::string target = c.endpoint + "?" + c.query;
    SCOPED_TRACE(target);
    EXPECT_TRUE(IsParameterError(Fetch(target).http, 400, c.named));
  }
}

TEST_F(FetchParamsTest, AnEmptyValueIs400NotAnAbsentOne) {
  struct Case {
    std::string endpoint;
    std::string parameter;
  };
  std::vector<Case> cases;
  for (const std::string p :
       {"input_ids", "inputs_ids", "timeperiod_start", "timeperiod-start", "timeperiod_finish",
        "timeperiod-finish", "timeperiod_last", "timeperiod-last", "limit", "is_add_lat_long",
        "is_add_x_axis_data", "is_add_metadata", "order_by", "sort_by"}) {
    cases.push_back({"get_inputdata_by_inputs", p});
  }
  for (const std::string p : {"aggregation_func", "interval", "limit"}) {
    cases.push_back({"get_statistics_inputdata_by_inputs", p});
  }
  cases.push_back({"get_inputdata_by_asset", "asset_id"});
  cases.push_back({"get_statistics_inputdata_by_asset", "inputs_ids"});
  for (const Case& c : cases) {
    const bool by_asset = c.endpoint.find("_by_asset") != std::string::npos;
    // What the endpoint requires, unless that is the parameter under test.
    const bool ids = c.parameter == "input_ids" || c.parameter == "inputs_ids";
    std::string valid;
    if (by_asset && c.parameter != "asset_id") valid = "asset_id=67";
    if (!by_asset && !ids) valid = "input_ids=" + meter_.id;
    for (const std::string form : {"=", "", "=%22%22", "=''"}) {
      const std::string target =
          c.endpoint + "?" + valid + (valid.empty() ? "" : "&") + c.parameter + form;
      SCOPED_TRACE(target);
      EXPECT_TRUE(IsParameterError(Fetch(target).http, 400, c.parameter));
    }
  }
}

TEST_F(FetchParamsTest, EachBadValueIs400NamingItsParameter) {
  struct Case {
    std::string endpoint;
    std::string parameter;
    std::vector<std::string> values;  // as sent on the wire
  };
  const std::string raw = "get_inputdata_by_inputs";
  const std::string stats = "get_statistics_inputdata_by_inputs";
  const std::string asset = "get_statistics_inputdata_by_asset";
  const std::vector<Case> cases = {
      {raw, "input_ids", {",", meter_.id + ",," + boiler_.id, meter_.id + ","}},
      {raw,
       "timeperiod_start",
       {"yesterday", "2021-13-01", "1614556800", "2021-03-01T25:00:00", "2021-02-30",
        "2021-03-01T00:00:00%2B25:00", "03/01/2021"}},
      {raw, "timeperiod-finish", {"2021-02-30", "now", "2021-03-01T06:00:00Zulu"}},
      {raw,
       "timeperiod_last",
       {"5", "5_fortnights", "0_days", "-1_days", "days", "1.5_days", "5%20days", "5_days_ago",
        "_days"}},
      {raw, "limit", {"0", "-1", "abc", "1.5", "100001", "1e3", "%2B5", "99999999999999999999"}},
      {raw, "is_add_lat_long", {"yes", "2", "truee"}},
      {raw, "is_add_x_axis_data", {"no"}},
      {raw, "is_add_metadata", {"on"}},
      {raw, "order_by", {"name", "value,timestamp", "-value"}},
      {raw, "sort_by", {"up", "ascending"}},
      {stats, "aggregation_func", {"median", "min,,max", "min;max", "min,", "mean"}},
      {stats, "interval", {"1_fortnight", "0_hours", "60", "1_second", "1.5_hours"}},
      {stats, "limit", {"0", "100001"}},
      {asset, "asset_id", {"0", "-1", "abc", "1.5", "67abc", "99999999999999999999", "67,68"}},
  };
  for (const Case& c : cases) {
    for (const std::string& value : c.values) {
      const bool by_asset = c.endpoint == asset;
      std::string valid = by_asset ? "" : "input_ids=" + meter_.id + "&";
      if (c.parameter == "input_ids") valid = "";
      const std::string target = c.endpoint + "?" + valid + c.parameter + "=" + value;
      SCOPED_TRACE(target);
      const HttpResponse response = Fetch(target).http;
      EXPECT_TRUE(IsParameterError(response, 400, c.parameter));
      EXPECT_NE(ErrorDetail(response).find(c.parameter), std::string::npos)
          << "the detail does not name the parameter: " << ErrorDetail(response);
    }
  }
  // The largest limit is fine.
  EXPECT_EQ(Fetch(raw + "?input_ids=" + meter_.id + "&limit=100000").http.status, 200);
}

TEST_F(FetchParamsTest, AMissingInputOrAssetIdIs400) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    const std::string named = endpoint.by_asset ? "asset_id" : "input_ids";
    for (const std::string& query :
         std::vector<std::string>{"", "?", "?limit=5", "?input_ids=" + meter_.id}) {
      if (!endpoint.by_asset && query.find("input_ids") != std::string::npos) continue;
      const std::string target = endpoint.name + query;
      SCOPED_TRACE(target);
      EXPECT_TRUE(IsParameterError(Fetch(target).http, 400, named));
    }
  }
}

TEST_F(FetchParamsTest, TimeperiodLastWithStartOrFinishIs400) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    for (const auto& [params, named] : std::vector<std::pair<std::string, std::string>>{
             {"timeperiod_last=5_days&timeperiod_start=2021-03-01", "timeperiod_last"},
             {"timeperiod_finish=2021-03-01&timeperiod_last=5_days", "timeperiod_last"},
             {"timeperiod-start=2021-03-01&timeperiod-last=%225_days%22", "timeperiod-last"}}) {
      const std::string target = endpoint.name + "?" + ValidQuery(endpoint, meter_) + "&" + params;
      SCOPED_TRACE(target);
      EXPECT_TRUE(IsParameterError(Fetch(target).http, 400, named));
    }
  }
}

TEST_F(FetchParamsTest, StartAfterFinishIs400) {
  const std::string base = "get_inputdata_by_inputs?input_ids=" + meter_.id;
  EXPECT_TRUE(IsParameterError(
      Fetch(base + "&timeperiod_start=2021-03-02&timeperiod_finish=2021-03-01").http, 400,
      "timeperiod_start"));
  EXPECT_TRUE(IsParameterError(Fetch(base + "&timeperiod-finish=2021-03-01T06:00:00.999999Z"
                                            "&timeperiod-start=2021-03-01T06:00:01Z")
                                   .http,
                               400, "timeperiod-start"));
  EXPECT_TRUE(IsParameterError(Fetch("get_statistics_inputdata_by_asset?asset_id=67"
                                     "&timeperiod_start=2021-03-01T06:00:01Z"
                                     "&timeperiod_finish=2021-03-01T06:00:00Z")
                                   .http,
                               400, "timeperiod_start"));
  // start == finish is a window of one instant.
  EXPECT_TRUE(IsFetchAnswer(
      Fetch(base + "&timeperiod_start=2021-03-01T06:00:03Z&timeperiod_finish=2021-03-01T06:00:03Z"),
      ExpectedRawList({{meter_, {meter_readings_[3]}}})));
}

// ---- Ids of others ----------------------------------------------------------------

// FetchDataTest with another organisation (which has readings of its own)
// and an input of ours that is in no asset.
class FetchOwnershipTest : public FetchParamsTest {
 protected:
  bool CreateOutsiders() const override { return true; }
  void SetUp() override {
    FetchParamsTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SentReading secret;
    secret.micros = At(6 * kHour);
    secret.value = 31337;
    ASSERT_TRUE(UploadReadings(rival_input_, {secret}, &rival_));
    ASSERT_TRUE(UploadReadings(spare_, {secret}));
  }
};

// `response` is a 404 naming `parameter` that shows nothing of the readings.
::testing::AssertionResult IsNotFound(const HttpResponse& response, const std::string& parameter) {
  ::testing::AssertionResult ok = IsParameterError(response, 404, parameter);
  if (!ok) return ok;
  if (response.body.find("inputdata") != std::string::npos ||
      response.body.find("31337") != std::string::npos) {
    return ::testing::AssertionFailure() << "the 404 shows data: " << response.body;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(FetchOwnershipTest, AnotherOrganisationsInputAmongOursIs404WithNoData) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    if (endpoint.by_asset) continue;
    SCOPED_TRACE(endpoint.name);
    const std::string base = endpoint.name + "?";
    EXPECT_TRUE(IsNotFound(
        Fetch(base + "input_ids=" + meter_.id + "," + rival_input_.id + "," + boiler_.id).http,
        "input_ids"));
    EXPECT_TRUE(IsNotFound(Fetch(base + "inputs_ids=" + rival_input_.id + "," + meter_.id).http,
                           "inputs_ids"));
    // Theirs and nobody's look alike.
    const HttpResponse theirs = Fetch(base + "input_ids=" + rival_input_.id).http;
    const HttpResponse nobodys = Fetch(base + "input_ids=sennotthere00").http;
    EXPECT_TRUE(IsNotFound(theirs, "input_ids"));
    EXPECT_TRUE(IsNotFound(nobodys, "input_ids"));
    EXPECT_EQ(ReplaceAll(theirs.body, rival_input_.id, "ID"),
              ReplaceAll(nobodys.body, "sennotthere00", "ID"));
    // And the other organisation cannot read ours.
    EXPECT_TRUE(IsNotFound(
        Request("GET", base + "input_ids=" + meter_.id, CredentialsOf(rival_)).http, "input_ids"));
  }
}

TEST_F(FetchOwnershipTest, AnInputOutsideTheAssetIs404) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    if (!endpoint.by_asset) continue;
    SCOPED_TRACE(endpoint.name);
    const std::string base = endpoint.name + "?asset_id=67&";
    EXPECT_TRUE(IsNotFound(Fetch(base + "input_ids=" + spare_.id).http, "input_ids"));
    EXPECT_TRUE(
        IsNotFound(Fetch(base + "input_ids=" + meter_.id + "," + spare_.id).http, "input_ids"));
    EXPECT_TRUE(IsNotFound(Fetch(base + "inputs_ids=" + spare_.id).http, "inputs_ids"));
    EXPECT_TRUE(IsNotFound(Fetch(base + "input_ids=" + rival_input_.id).http, "input_ids"));
    EXPECT_TRUE(IsNotFound(Fetch(base + "input_ids=sennotthere00").http, "input_ids"));
  }
}

TEST_F(FetchOwnershipTest, AnotherOrganisationsAssetIs404) {
  for (const FetchEndpoint& endpoint : FetchEndpoints()) {
    if (!endpoint.by_asset) continue;
    SCOPED_TRACE(endpoint.name);
    const std::string base = endpoint.name + "?asset_id=";
    const HttpResponse theirs = Fetch(base + "68").http;
    const HttpResponse nobodys = Fetch(base + "999").http;
    EXPECT_TRUE(IsNotFound(theirs, "asset_id"));
    EXPECT_TRUE(IsNotFound(nobodys, "asset_id"));
    EXPECT_EQ(ReplaceAll(theirs.body, "68", "ID"), ReplaceAll(nobodys.body, "999", "ID"));
    // Naming their input as the filter changes nothing.
    EXPECT_TRUE(IsNotFound(Fetch(base + "68&input_ids=" + rival_input_.id).http, "asset_id"));
    EXPECT_TRUE(IsNotFound(Request("GET", base + "67", CredentialsOf(rival_)).http, "asset_id"));
  }
}

}  // namespace
}  // namespace dc::testing
