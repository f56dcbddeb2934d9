#include "integration/fixture.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <future>
#include <thread>

namespace dc::testing {
namespace {

std::string TitleOf(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
  }
  return "?";
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A read-only connection to the server's SQLite file.
class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }

  // Prepares `sql` and binds text parameters; the caller steps it.
  sqlite3_stmt* Prepare(const std::string& sql, const std::vector<std::string>& texts) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot prepare " << sql << ": " << sqlite3_errmsg(db_);
      return nullptr;
    }
    for (size_t i = 0; i < texts.size(); ++i) {
      sqlite3_bind_text(stmt, static_cast<int>(i + 1), texts[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    return stmt;
  }

  int64_t Count(const std::string& sql, const std::vector<std::string>& texts) {
    sqlite3_stmt* stmt = Prepare(sql, texts);
    if (stmt == nullptr) return -1;
    int64_t count = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return count;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::optional<double> OptionalDouble(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt, column);
}

std::optional<std::string> OptionalText(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)));
}

}  // namespace

std::string Stringify(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Document ParseJson(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  return doc;
}

rapidjson::Document RunJson(const std::vector<std::string>& args,
                            const std::vector<std::string>& env) {
  const CommandResult result = RunDatacooee(args, env);
  rapidjson::Document doc;
  doc.SetObject();
  std::string command;
  for (const std::string& a : args) command += " " + a;
  if (result.exit_code != 0) {
    ADD_FAILURE() << "datacooee" << command << " exited " << result.exit_code
                  << "; stderr: " << result.err;
    return doc;
  }
  if (result.out.empty() || result.out.back() != '\n' ||
      result.out.find('\n') != result.out.size() - 1) {
    ADD_FAILURE() << "datacooee" << command << " printed not exactly one line: " << result.out;
    return doc;
  }
  rapidjson::Document parsed = ParseJson(result.out);
  if (parsed.HasParseError() || !parsed.IsObject()) {
    ADD_FAILURE() << "datacooee" << command << " printed no JSON object: " << result.out;
    return doc;
  }
  return parsed;
}

OrgInfo CreateOrg(const std::string& db, const std::string& name) {
  rapidjson::Document doc = RunJson({"org", "create", "--db", db, "--name", name});
  OrgInfo org;
  if (doc.HasMember("id") && doc.HasMember("api_key")) {
    org.id = doc["id"].GetString();
    org.name = doc["name"].GetString();
    org.api_key = doc["api_key"].GetString();
  }
  return org;
}

std::string CreateInput(const std::string& db, const std::string& org_id, const std::string& source,
                        const std::string& name) {
  rapidjson::Document doc =
      RunJson({"input", "create", "--db", db, "--org", org_id, "--name", name, "--source", source});
  return doc.HasMember("id") ? doc["id"].GetString() : "";
}

std::string UploadTarget(const std::string& input_id, bool trailing_slash) {
  return "/api/external/v1/inputs/" + input_id + (trailing_slash ? "/inputdata/" : "/inputdata");
}

Headers UploadHeaders(const OrgInfo& org, const std::string& content_type) {
  return {{"content-type", content_type},
          {"organization-id", org.id},
          {"organization-api-key", org.api_key}};
}

std::string ReferenceSampleBody(const std::string& input_id) {
  return R"({"data":{"type":"SensorData", "id": "null", "attributes": { "value": "12.5", )"
         R"("timestamp": "2020-10-13T14:02:39.489Z"}, "relationships": { "sensor": { "data": )"
         R"({ "type": "Sensor", "id": ")" +
         input_id + R"(" }}}}})";
}

std::string Attributes(std::string_view value_json, std::string_view timestamp) {
  return R"({"value":)" + std::string(value_json) + R"(,"timestamp":")" + std::string(timestamp) +
         R"("})";
}

std::string Resource(std::string_view attributes_json, const std::string& input_id) {
  return R"({"type":"SensorData","id":"null","attributes":)" + std::string(attributes_json) +
         R"(,"relationships":{"sensor":{"data":{"type":"Sensor","id":")" + input_id + R"("}}}})";
}

std::string SingleBody(std::string_view attributes_json, const std::string& input_id) {
  return R"({"data":)" + Resource(attributes_json, input_id) + "}";
}

std::string BatchBody(const std::vector<std::string>& attributes_jsons,
                      const std::string& input_id) {
  std::string body = R"({"data":[)";
  for (size_t i = 0; i < attributes_jsons.size(); ++i) {
    if (i > 0) body += ',';
    body += Resource(attributes_jsons[i], input_id);
  }
  return body + "]}";
}

int64_t TimestampMicrosAt(int64_t second) {
  constexpr int64_t kBase = 1614556800;  // 2021-03-01T00:00:00Z
  return (kBase + second) * 1'000'000;
}

std::string TimestampAt(int64_t second) {
  const time_t t = static_cast<time_t>(TimestampMicrosAt(second) / 1'000'000);
  tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string Chunked(std::string_view body, size_t chunk) {
  std::string out;
  char size[32];
  for (size_t at = 0; at < body.size(); at += chunk) {
    const std::string_view part = body.substr(at, chunk);
    snprintf(size, sizeof size, "%zx\r\n", part.size());
    out += size;
    out += part;
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

::testing::AssertionResult JsonEquals(std::string_view actual, std::string_view expected) {
  rapidjson::Document a = ParseJson(actual);
  rapidjson::Document e = ParseJson(expected);
  if (e.HasParseError()) return ::testing::AssertionFailure() << "bad expected JSON: " << expected;
  if (a.HasParseError()) return ::testing::AssertionFailure() << "not JSON: " << actual;
  if (a != e) {
    return ::testing::AssertionFailure()
           << "\n  actual:   " << Stringify(a) << "\n  expected: " << Stringify(e);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsError(const HttpResponse& response, int status,
                                   std::optional<std::string> pointer) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "HTTP " << response.status << " " << response.Header("content-type") << " "
           << response.body << "\n  wanted HTTP " << status
           << (pointer ? " with pointer '" + *pointer + "'" : std::string(" without source"))
           << ": ";
  };
  if (response.status != status) return fail() << "status differs";
  const std::string type = response.Header("content-type");
  if (type.rfind("application/json", 0) != 0) return fail() << "Content-Type is not JSON";
  rapidjson::Document doc = ParseJson(response.body);
  if (doc.HasParseError() || !doc.IsObject()) return fail() << "body is not a JSON object";
  if (doc.MemberCount() != 1 || !doc.HasMember("errors") || !doc["errors"].IsArray() ||
      doc["errors"].Size() != 1 || !doc["errors"][0].IsObject()) {
    return fail() << "body is not {\"errors\":[{...}]}";
  }
  const rapidjson::Value& error = doc["errors"][0];
  if (error.MemberCount() != (pointer ? 4u : 3u)) return fail() << "wrong number of members";
  if (!error.HasMember("status") || !error["status"].IsString() ||
      error["status"].GetString() != std::to_string(status)) {
    return fail() << "errors[0].status differs";
  }
  if (!error.HasMember("title") || !error["title"].IsString() ||
      error["title"].GetString() != TitleOf(status)) {
    return fail() << "errors[0].title is not '" << TitleOf(status) << "'";
  }
  if (!error.HasMember("detail") || !error["detail"].IsString() ||
      error["detail"].GetStringLength() == 0) {
    return fail() << "errors[0].detail missing or empty";
  }
  if (pointer) {
    if (!error.HasMember("source") || !error["source"].IsObject() ||
        error["source"].MemberCount() != 1 || !error["source"].HasMember("pointer") ||
        !error["source"]["pointer"].IsString() ||
        error["source"]["pointer"].GetString() != *pointer) {
      return fail() << "errors[0].source is not {\"pointer\":\"" << *pointer << "\"}";
    }
  }
  return ::testing::AssertionSuccess();
}

std::string ErrorDetail(const HttpResponse& response) {
  rapidjson::Document doc = ParseJson(response.body);
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errors") ||
      !doc["errors"].IsArray() || doc["errors"].Empty() || !doc["errors"][0].IsObject() ||
      !doc["errors"][0].HasMember("detail") || !doc["errors"][0]["detail"].IsString()) {
    return "";
  }
  return doc["errors"][0]["detail"].GetString();
}

::testing::AssertionResult IsCreated(const HttpResponse& response, std::string_view attributes_json,
                                     const std::string& input_id, std::string* id) {
  if (response.status != 201) {
    return ::testing::AssertionFailure()
           << "HTTP " << response.status << " " << response.body << ", wanted 201";
  }
  if (response.Header("content-type") != kJsonApi) {
    return ::testing::AssertionFailure()
           << "Content-Type '" << response.Header("content-type") << "', wanted " << kJsonApi;
  }
  rapidjson::Document doc = ParseJson(response.body);
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") || !doc["data"].IsObject() ||
      !doc["data"].HasMember("id") || !doc["data"]["id"].IsString()) {
    return ::testing::AssertionFailure() << "no data.id string in " << response.body;
  }
  const std::string got_id = doc["data"]["id"].GetString();
  if (!IsDigits(got_id)) {
    return ::testing::AssertionFailure() << "data.id '" << got_id << "' is not a decimal number";
  }
  if (id != nullptr) *id = got_id;
  const std::string expected = R"({"data":{"type":"SensorData","id":")" + got_id +
                               R"(","attributes":)" + std::string(attributes_json) +
                               R"(,"relationships":{"sensor":{"data":{"type":"Sensor","id":")" +
                               input_id + R"("}}}}})";
  return JsonEquals(response.body, expected);
}

int64_t CountReadings(const std::string& db_path, const std::string& input_id) {
  ReadOnlyDb db(db_path);
  return db.Count(
      "SELECT count(*) FROM readings r JOIN inputs i ON r.input_pk = i.pk WHERE i.id = ?1",
      {input_id});
}

int64_t CountRows(const std::string& db_path, const std::string& table) {
  ReadOnlyDb db(db_path);
  return db.Count("SELECT count(*) FROM " + table, {});
}

std::optional<StoredReading> FindReading(const std::string& db_path, const std::string& input_id,
                                         int64_t timestamp_micros) {
  ReadOnlyDb db(db_path);
  sqlite3_stmt* stmt = db.Prepare(
      "SELECT r.id, r.value, r.latitude, r.longitude, r.x_axis_value, r.metadata "
      "FROM readings r JOIN inputs i ON r.input_pk = i.pk WHERE i.id = ?1 AND r.ts = " +
          std::to_string(timestamp_micros),
      {input_id});
  if (stmt == nullptr) return std::nullopt;
  std::optional<StoredReading> found;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    StoredReading r;
    r.id = sqlite3_column_int64(stmt, 0);
    r.value = sqlite3_column_double(stmt, 1);
    r.latitude = OptionalDouble(stmt, 2);
    r.longitude = OptionalDouble(stmt, 3);
    r.x_axis_value = OptionalText(stmt, 4);
    r.metadata = OptionalText(stmt, 5);
    found = r;
  }
  sqlite3_finalize(stmt);
  return found;
}

bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::optional<int> StopWithin(ServerProcess& server, int signal,
                              std::chrono::milliseconds timeout) {
  const pid_t pid = server.pid();
  auto status = std::async(std::launch::async, [&server, signal] { return server.Stop(signal); });
  if (status.wait_for(timeout) == std::future_status::ready) return status.get();
  kill(pid, SIGKILL);  // unblocks Stop()'s waitpid
  status.get();
  return std::nullopt;
}

void ServerTest::SetUp() {
  db_ = dir_.path() + "/datacooee.db";
  org_ = CreateOrg(db_);
  input_ = CreateInput(db_, org_.id);
  ASSERT_FALSE(org_.id.empty());
  ASSERT_FALSE(input_.empty());
  server_ = std::make_unique<ServerProcess>(db_, ServerArgs());
}

HttpResponse ServerTest::Upload(const std::string& body, const Headers& headers) {
  HttpClient client(server_->port());
  return client.Request("POST", UploadTarget(input_), headers, body);
}

}  // namespace dc::testing
