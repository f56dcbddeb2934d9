#pragma once

// Shared helpers for the integration tests: organisations and inputs made
// with the real CLI, upload bodies, JSON and error-body assertions, and a
// read-only look into the SQLite file.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

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

namespace dc::testing {

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

// `response` is the SPEC.md error: HTTP `status`, Content-Type
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

// What the SQLite file holds for one reading.
struct StoredReading {
  int64_t id = 0;
  double value = 0;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<std::string> x_axis_value;
  std::optional<std::string> metadata;
};

// Opens the SQLite file at `db_path` read-only (the server may be running).
int64_t CountReadings(const std::string& db_path, const std::string& input_id);
int64_t CountRows(const std::string& db_path, const std::string& table);
std::optional<StoredReading> FindReading(const std::string& db_path, const std::string& input_id,
                                         int64_t timestamp_micros);

// ---- Processes ----------------------------------------------------------

// Calls `condition` every 20 ms until it returns true or `timeout` has passed
// since the call; returns its last result.
bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition);

// Sends `signal` and waits at most `timeout` for the exit; returns the
// waitpid status, or nullopt (after a kill -9) when it did not exit in time.
std::optional<int> StopWithin(ServerProcess& server, int signal, std::chrono::milliseconds timeout);

// A fresh database with one organisation and one API input, served by the
// real binary.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Extra `serve` arguments for a fixture that needs other limits.
  virtual std::vector<std::string> ServerArgs() const { return {}; }

  // POSTs `body` to this input's upload URL on a new connection.
  HttpResponse Upload(const std::string& body, const Headers& headers);
  HttpResponse Upload(const std::string& body) { return Upload(body, UploadHeaders(org_)); }

  TempDir dir_;
  std::string db_;  // path of the SQLite file
  OrgInfo org_;
  std::string input_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace dc::testing
