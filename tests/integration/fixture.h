#pragma once

// Shared helpers for the integration tests: organisations and inputs made
// with the real CLI, upload bodies, JSON and error-body assertions, and a
// look into the database through the Store interface. The fixtures run
// their server on SQLite, or on PostgreSQL in the "pg." and "citus." runs
// (support/test_database.h).

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/test_certificate.h"
#include "support/test_database.h"

namespace dc::testing {

// Durations in microseconds, for windows and timestamps in tests.
inline constexpr int64_t kSecond = 1'000'000;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

inline constexpr char kJsonApi[] = "application/vnd.api+json";

// The reference's sample reading, and what the server makes of it.
inline constexpr char kSampleTimestamp[] = "2020-10-13T14:02:39.489Z";
inline constexpr char kSampleTimestampNormalised[] = "2020-10-13T14:02:39.489000Z";

struct OrgInfo {
  std::string id;
  std::string name;
  std::string api_key;
};

// ---- Command line -------------------------------------------------------

// Parses `text` as JSON; a parse error leaves HasParseError() set.
rapidjson::Document ParseJson(std::string_view text);
// Minified JSON text of `value`.
std::string Stringify(const rapidjson::Value& value);

// Runs `datacooee ARGS...`, which must exit 0 and print one JSON object on
// one line; returns it (an empty object after a test failure).
rapidjson::Document RunJson(const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {});

// Runs every command (`datacooee ARGS...`, as RunJson) at once; returns
// their JSON, in order.
std::vector<rapidjson::Document> RunJsonAll(const std::vector<std::vector<std::string>>& commands);

// `org create --name NAME` on `db`.
OrgInfo CreateOrg(const std::string& db, const std::string& name = "Acme");
// `input create`; returns the input id.
std::string CreateInput(const std::string& db, const std::string& org_id,
                        const std::string& source = "API", const std::string& name = "Boiler");

// ---- Requests -----------------------------------------------------------

// /api/external/v1/inputs/ID/inputdata/ (or without the trailing slash).
std::string UploadTarget(const std::string& input_id, bool trailing_slash = true);
// The credentials of `org` and a Content-Type, as the reference's samples
// send them (lowercase names).
Headers UploadHeaders(const OrgInfo& org, const std::string& content_type = kJsonApi);

// The reference's curl sample body, for `input_id`.
std::string ReferenceSampleBody(const std::string& input_id);
// {"value": VALUE_JSON, "timestamp": "TIMESTAMP"}; VALUE_JSON is raw JSON.
std::string Attributes(std::string_view value_json, std::string_view timestamp);
// One SensorData resource with `attributes_json`, naming `input_id`.
std::string Resource(std::string_view attributes_json, const std::string& input_id);
// {"data": RESOURCE}.
std::string SingleBody(std::string_view attributes_json, const std::string& input_id);
// {"data": [RESOURCE, ...]}.
std::string BatchBody(const std::vector<std::string>& attributes_jsons,
                      const std::string& input_id);
// 2021-03-01T00:00:00Z plus `second` seconds, in the upload's form.
std::string TimestampAt(int64_t second);
int64_t TimestampMicrosAt(int64_t second);

// Chunked transfer coding of `body` in chunks of at most `chunk` bytes.
std::string Chunked(std::string_view body, size_t chunk = 64);

// ---- Assertions ---------------------------------------------------------

// The two texts are equal JSON documents (member order aside).
::testing::AssertionResult JsonEquals(std::string_view actual, std::string_view expected);

// `response` is the error of docs/api.md "Errors": HTTP `status`, Content-Type
// application/json, and exactly
// {"errors":[{"status":"S","title":"T","detail":"…"[,"source":{"pointer":P}]}]}
// with `source` present iff `pointer` is given.
::testing::AssertionResult IsError(const HttpResponse& response, int status,
                                   std::optional<std::string> pointer = std::nullopt);
// The detail of an error body ("" if none).
std::string ErrorDetail(const HttpResponse& response);

// `response` is the 201 of one stored reading: Content-Type
// application/vnd.api+json, and the body equals the reference's shape with
// `attributes_json`, a numeric string id, and relationships naming
// `input_id`. Stores the id in `*id` when given.
::testing::AssertionResult IsCreated(const HttpResponse& response, std::string_view attributes_json,
                                     const std::string& input_id, std::string* id = nullptr);

// ---- Storage ------------------------------------------------------------
// What the database at `db_url` (a SQLite path or a PostgreSQL URL) holds,
// read through the Store interface as any backend answers it, opened for its
// catalog only (the server may be running).

// One stored reading.
struct StoredReading {
  int64_t id = 0;
  double value = 0;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<std::string> x_axis_value;
  std::optional<std::string> metadata;
};

// Readings of input `input_id` (0 when there is no such input), of every input.
int64_t CountReadings(const std::string& db_url, const std::string& input_id);
int64_t CountAllReadings(const std::string& db_url);
std::optional<StoredReading> FindReading(const std::string& db_url, const std::string& input_id,
                                         int64_t timestamp_micros);

// How many of each the catalog holds; `asset_inputs` counts the places in
// all assets.
struct CatalogCounts {
  int64_t orgs = 0;
  int64_t inputs = 0;
  int64_t assets = 0;
  int64_t asset_inputs = 0;
};
CatalogCounts CountCatalog(const std::string& db_url);
// The key hash stored for organisation `org_id` ("" when none).
std::string StoredKeyHash(const std::string& db_url, const std::string& org_id);

// ---- Processes ----------------------------------------------------------

// Calls `condition` every 20 ms until it returns true or `timeout` has passed
// since the call; returns its last result.
bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition);

// Waits up to 5 s until the server on `port` holds no connection but the
// one asking (its /metrics gauge of open connections says 1). A connection
// a test has closed holds its place until the server has seen it close; a
// test that fills every place must not count on that place.
bool AwaitNoOtherConnection(uint16_t port, Transport transport = TlsTestMode() ? Transport::kTls
                                                                               : Transport::kPlain);

// VmRSS and VmHWM (the peak RSS since start or the last reset) of `pid`.
struct Memory {
  double rss_mib = 0;
  double peak_mib = 0;
};
Memory ReadMemory(pid_t pid);
// Resets VmHWM to the current RSS (proc(5), clear_refs "5").
bool ResetPeak(pid_t pid);

// Sends `signal` and waits at most `timeout` for the exit; returns the
// waitpid status, or nullopt (after a kill -9) when it did not exit in time.
std::optional<int> StopWithin(ServerProcess& server, int signal, std::chrono::milliseconds timeout);

// ---- Fetch --------------------------------------------------------------

// Where the eight fetch endpoints live.
inline constexpr char kFetchBase[] = "/api/external/v1/";

// One of the fetch endpoints of docs/api.md "Fetch".
struct FetchEndpoint {
  std::string name;  // e.g. "get_latest_statistics_inputdata_by_asset"
  bool statistics = false;
  bool by_asset = false;
};
// All eight, in the order of docs/api.md "Fetch".
const std::vector<FetchEndpoint>& FetchEndpoints();

// A reading as a test uploads it and expects it back.
struct SentReading {
  int64_t micros = 0;  // timestamp, microseconds since the epoch
  double value = 0;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string x_axis_json;    // raw JSON number or string; "" when absent
  std::string metadata_json;  // raw JSON object; "" when absent
};

// `micros` as the fetch answers write timestamps: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
std::string FormatMicros(int64_t micros);
// Shortest round-trip text of `value` (std::to_chars), as the server writes
// numbers.
std::string NumberText(double value);
// Percent-encodes every byte but RFC 3986's unreserved ones.
std::string UrlEncode(std::string_view text);
// The upload attributes of `reading`, with numbers as JSON numbers.
std::string SentAttributes(const SentReading& reading);

// The members a raw reading carries besides timestamp and value.
struct RawFields {
  bool lat_long = false;
  bool x_axis = false;
  bool metadata = false;
};
// One raw reading as an answer must show it, as JSON text.
std::string ExpectedReading(const SentReading& reading, RawFields fields = {});
// `[reading, ...]`.
std::string ExpectedReadings(const std::vector<SentReading>& readings, RawFields fields = {});

struct InputInfo {
  std::string id;
  std::string name;
  std::string unit;
};
// `{"id":…,"name":…,"measure_unit":…}`.
std::string ExpectedInputHeader(const InputInfo& input);
// `{"input":{"id":…,"name":…,"measure_unit":…},"inputdata":INPUTDATA_JSON}`.
std::string ExpectedInput(const InputInfo& input, std::string_view inputdata_json);
// The raw answer for `inputs`, each with the readings it must show, in order:
// `[{"input":…,"inputdata":[…]}, …]`.
std::string ExpectedRawList(
    const std::vector<std::pair<InputInfo, std::vector<SentReading>>>& inputs,
    RawFields fields = {});
// The by-asset wrapper around `inputs_json`: `{"id":67,"name":…,"inputs":INPUTS_JSON}`.
std::string ExpectedAsset(int64_t id, std::string_view name, std::string_view inputs_json);

// A window in microseconds: both ends inclusive; nullopt is unbounded.
struct Window {
  std::optional<int64_t> start;
  std::optional<int64_t> finish;
};

enum class Order { kTimestampAsc, kTimestampDesc, kValueAsc, kValueDesc };

// The brute-force raw answer: the readings inside `window`, ordered by
// `order` (value ties by timestamp, in the same direction), the first `limit`.
std::vector<SentReading> SelectRaw(std::vector<SentReading> readings, Window window, Order order,
                                   size_t limit = 1000);

// Statistics of some readings, computed the slow way.
struct ExpectedStats {
  int64_t bucket_start = 0;  // with an interval
  int64_t count = 0;
  double sum = 0;
  double sum_abs = 0;  // scale for the sum's rounding error
  double min = 0;
  double max = 0;
  double first = 0;  // value of the earliest reading
  double last = 0;   // value of the latest reading
};
// Without `interval_micros` exactly one element (count 0 when the window is
// empty); with it one per non-empty bucket aligned to multiples of the
// interval since the epoch, in ascending time.
std::vector<ExpectedStats> BruteStatistics(const std::vector<SentReading>& readings, Window window,
                                           std::optional<int64_t> interval_micros = std::nullopt);

// `element` is a statistics element with exactly the members `functions`
// (after "timestamp", the bucket start, when `with_timestamp`), in that
// order, holding `expected`'s values: exact for min, max, count, first and
// last; within 1e-9 relative for sum and avg; null (count and sum 0) when
// `expected.count` is 0.
::testing::AssertionResult StatsMatch(const rapidjson::Value& element,
                                      const ExpectedStats& expected,
                                      const std::vector<std::string>& functions,
                                      bool with_timestamp = false);

// `actual` equals the JSON text `expected`: member order aside, numbers
// compared by value (so 7 equals 7.0, but "7" does not equal 7). A failure
// names the first difference by its JSON pointer.
::testing::AssertionResult JsonMatches(const rapidjson::Value& actual, std::string_view expected);

// A fetch answer: the HTTP response and its body parsed with full precision
// (json.HasParseError() when the body is not JSON).
struct FetchResponse {
  HttpResponse http;
  rapidjson::Document json;
};

// `response` is a 200 with Content-Type application/json whose body
// JsonMatches `expected`.
::testing::AssertionResult IsFetchAnswer(const FetchResponse& response, std::string_view expected);

// Expected statistics of one input.
struct InputStats {
  InputInfo input;
  std::vector<ExpectedStats> stats;
};
// `response` is a 200 statistics answer with Content-Type application/json:
// a list, or with `asset` = {id, name} the by-asset wrapper around it, with
// one `{"input":…,"inputdata":[…]}` per element of `expected`, in that
// order, each inputdata element StatsMatch-ing its expectation.
::testing::AssertionResult IsStatsAnswer(
    const FetchResponse& response, const std::vector<InputStats>& expected,
    const std::vector<std::string>& functions = {"min", "max", "avg"}, bool with_timestamp = false,
    std::optional<std::pair<int64_t, std::string>> asset = std::nullopt);

// Like IsError, with `source` = {"header": HEADER}: a request header is to
// blame (docs/api.md "Authentication").
::testing::AssertionResult IsHeaderError(const HttpResponse& response, int status,
                                         const std::string& header);

// Like IsError, for the query-parameter errors of the fetch endpoints:
// `source` is {"parameter": PARAMETER} when `parameter` is given, and absent
// otherwise.
::testing::AssertionResult IsParameterError(const HttpResponse& response, int status,
                                            std::optional<std::string> parameter);

// A fresh database served by the real binary, holding organisation `org_`
// ("Acme") with inputs `boiler_`, `pump_` and `meter_` (created in that
// order) and asset 67 "Plant" holding pump_, meter_, boiler_ (in that order,
// unlike creation). No readings. With CreateOutsiders(), also what `org_`
// must never see or reach: `rival_` with input `rival_input_` in asset 68,
// and `spare_`, an input of `org_` in no asset.
class FetchTest : public ::testing::Test {
 protected:
  static constexpr int64_t kAssetId = 67;
  static constexpr int64_t kRivalAssetId = 68;

  void SetUp() override;
  virtual bool CreateOutsiders() const { return false; }

  // Uploads `readings` to `input` of `owner` (default org_) through the
  // batch upload, at most 10,000 a request; false, after a test failure,
  // unless every batch got 201.
  bool UploadReadings(const InputInfo& input, const std::vector<SentReading>& readings,
                      const OrgInfo* owner = nullptr);
  // GETs `path_and_query` with org_'s credentials; a relative path is taken
  // under kFetchBase ("get_inputdata_by_inputs?input_ids=…").
  FetchResponse Fetch(const std::string& path_and_query);
  // Any method and headers, on a new connection.
  FetchResponse Request(const std::string& method, const std::string& path_and_query,
                        const Headers& headers);
  // org_'s credentials, as the reference's samples send them.
  Headers Credentials() const;
  static Headers CredentialsOf(const OrgInfo& org);

  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::string db_;  // database_'s URL, for --db
  OrgInfo org_;
  InputInfo boiler_;
  InputInfo pump_;
  InputInfo meter_;
  OrgInfo rival_;
  InputInfo rival_input_;
  InputInfo spare_;
  std::unique_ptr<ServerProcess> server_;
};

// FetchTest with a known set of readings uploaded, each list in ascending
// time (times from 2021-03-01T00:00:00Z):
// - boiler_: 1,005 readings 211 s apart (plus a few ms), over 3 days, values
//   k/10 - 50 with some repeats;
// - pump_: 288 readings every 10 minutes at hh:m5:00.5, arbitrary doubles;
// - meter_: 10 hand-made readings with ties, optional fields and edges: eight
//   on 2021-03-01 from 06:00:00 to 06:00:07.999999, one at
//   2021-03-02T23:59:59.999999Z and one at 2021-03-03T00:00:00Z.
class FetchDataTest : public FetchTest {
 protected:
  void SetUp() override;

  std::vector<SentReading> boiler_readings_;
  std::vector<SentReading> pump_readings_;
  std::vector<SentReading> meter_readings_;
};

// A fresh database with one organisation and one API input, served by the
// real binary.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Extra `serve` arguments for a fixture that needs other limits.
  virtual std::vector<std::string> ServerArgs() const { return {}; }
  // Limits or environment for a fixture that needs them (e.g. few descriptors).
  virtual ServerProcessOptions ServerProcessSetup() const { return {}; }

  // POSTs `body` to this input's upload URL on a new connection.
  HttpResponse Upload(const std::string& body, const Headers& headers);
  HttpResponse Upload(const std::string& body) { return Upload(body, UploadHeaders(org_)); }

  TempDir dir_;
  std::unique_ptr<TestDatabase> database_;
  std::string db_;  // database_'s URL, for --db
  OrgInfo org_;
  std::string input_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace dc::testing
