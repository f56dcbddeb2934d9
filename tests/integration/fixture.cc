#include "integration/fixture.h"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "storage/postgres/pg_url.h"
#include "storage/store_factory.h"
#include "support/ingest_log_files.h"

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
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
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

// The store at `db_url`, opened as a setup command opens it: catalog only,
// beside a running server. Null, after a test failure, when it cannot be.
// A SQLite server keeps what it acknowledged in its ingest log until it
// merges it into the file, so a SQLite store is opened once that is done.
std::unique_ptr<Store> OpenCatalogOnly(const std::string& db_url) {
  if (!postgres::IsPostgresUrl(db_url)) {
    const std::string path = db_url.starts_with("sqlite:") ? db_url.substr(7) : db_url;
    if (!WaitUntilMerged(path)) ADD_FAILURE() << "the ingest log of " << path << " stays unmerged";
  }
  Result<std::unique_ptr<Store>> store = OpenStore(db_url, StoreOptions{.write_readings = false});
  if (!store) {
    ADD_FAILURE() << "cannot open " << db_url << ": " << store.error().ToString();
    return nullptr;
  }
  return std::move(*store);
}

// The catalog of `store` (empty after a test failure).
CatalogData CatalogOf(Store& store) {
  Result<CatalogData> catalog = store.LoadCatalog();
  if (!catalog) {
    ADD_FAILURE() << "cannot load the catalog: " << catalog.error().ToString();
    return {};
  }
  return std::move(*catalog);
}

// The pk of input `input_id`, 0 when there is none.
int64_t InputPk(const CatalogData& catalog, const std::string& input_id) {
  for (const Input& input : catalog.inputs) {
    if (input.id == input_id) return input.pk;
  }
  return 0;
}

int64_t ReadingsOf(Store& store, int64_t input_pk) {
  Result<int64_t> count = store.CountReadings(input_pk);
  if (!count) {
    ADD_FAILURE() << "cannot count readings: " << count.error().ToString();
    return 0;
  }
  return *count;
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

namespace {

// What `datacooee ARGS...` printed, checked as RunJson promises.
rapidjson::Document JsonResult(const std::vector<std::string>& args, const CommandResult& result) {
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

}  // namespace

rapidjson::Document RunJson(const std::vector<std::string>& args,
                            const std::vector<std::string>& env) {
  return JsonResult(args, RunDatacooee(args, env));
}

std::vector<rapidjson::Document> RunJsonAll(const std::vector<std::vector<std::string>>& commands) {
  struct Child {
    pid_t pid = -1;
    int out = -1;
    int err = -1;
  };
  // The environment, less DATACOOEE_DB (as RunDatacooee).
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("DATACOOEE_DB=", 0) != 0) env.push_back(*e);
  }
  env.push_back(nullptr);
  // posix_spawn from this one thread, pipes closed on exec: each child
  // holds only its own pipes.
  std::vector<Child> children;
  for (const std::vector<std::string>& args : commands) {
    std::vector<std::string> full = {DatacooeeBinary()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    Child child;
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2 failed";
      children.push_back(child);
      continue;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    if (posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), env.data()) != 0) {
      ADD_FAILURE() << "cannot start " << argv[0];
      child.pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    child.out = out[0];
    child.err = err[0];
    children.push_back(child);
  }
  std::vector<rapidjson::Document> docs;
  for (size_t i = 0; i < children.size(); ++i) {
    const Child& child = children[i];
    CommandResult result;
    if (child.out >= 0) {
      // The outputs are a line or two: no pipe fills while another is read.
      result.out = ReadAll(child.out);
      result.err = ReadAll(child.err);
      close(child.out);
      close(child.err);
    }
    if (child.pid > 0) {
      int status = 0;
      waitpid(child.pid, &status, 0);
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    docs.push_back(JsonResult(commands[i], result));
  }
  return docs;
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

namespace {

// IsError and IsParameterError: the error body of docs/api.md "Errors" with `source` =
// {KIND: VALUE} when `source` is given, and no source otherwise.
::testing::AssertionResult CheckError(const HttpResponse& response, int status,
                                      const std::optional<std::string>& kind,
                                      const std::optional<std::string>& value) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "HTTP " << response.status << " " << response.Header("content-type") << " "
           << response.body << "\n  wanted HTTP " << status
           << (kind ? " with " + *kind + " '" + *value + "'" : std::string(" without source"))
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
  if (error.MemberCount() != (kind ? 4u : 3u)) return fail() << "wrong number of members";
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
  if (kind) {
    const char* key = kind->c_str();
    if (!error.HasMember("source") || !error["source"].IsObject() ||
        error["source"].MemberCount() != 1 || !error["source"].HasMember(key) ||
        !error["source"][key].IsString() || error["source"][key].GetString() != *value) {
      return fail() << "errors[0].source is not {\"" << *kind << "\":\"" << *value << "\"}";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult IsError(const HttpResponse& response, int status,
                                   std::optional<std::string> pointer) {
  return CheckError(response, status,
                    pointer ? std::optional<std::string>("pointer") : std::nullopt, pointer);
}

::testing::AssertionResult IsParameterError(const HttpResponse& response, int status,
                                            std::optional<std::string> parameter) {
  return CheckError(response, status,
                    parameter ? std::optional<std::string>("parameter") : std::nullopt, parameter);
}

::testing::AssertionResult IsHeaderError(const HttpResponse& response, int status,
                                         const std::string& header) {
  return CheckError(response, status, "header", header);
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

int64_t CountReadings(const std::string& db_url, const std::string& input_id) {
  std::unique_ptr<Store> store = OpenCatalogOnly(db_url);
  if (store == nullptr) return 0;
  const int64_t pk = InputPk(CatalogOf(*store), input_id);
  return pk == 0 ? 0 : ReadingsOf(*store, pk);
}

int64_t CountAllReadings(const std::string& db_url) {
  std::unique_ptr<Store> store = OpenCatalogOnly(db_url);
  if (store == nullptr) return 0;
  int64_t total = 0;
  for (const Input& input : CatalogOf(*store).inputs) total += ReadingsOf(*store, input.pk);
  return total;
}

std::optional<StoredReading> FindReading(const std::string& db_url, const std::string& input_id,
                                         int64_t timestamp_micros) {
  std::unique_ptr<Store> store = OpenCatalogOnly(db_url);
  if (store == nullptr) return std::nullopt;
  const int64_t pk = InputPk(CatalogOf(*store), input_id);
  if (pk == 0) return std::nullopt;
  Result<std::optional<::dc::StoredReading>> found =
      store->FindReading(pk, Timestamp{timestamp_micros});
  if (!found) {
    ADD_FAILURE() << "cannot read a reading: " << found.error().ToString();
    return std::nullopt;
  }
  if (!found->has_value()) return std::nullopt;
  const Reading& reading = (*found)->reading;
  StoredReading r;
  r.id = (*found)->id;
  r.value = reading.value;
  r.latitude = reading.latitude;
  r.longitude = reading.longitude;
  if (!reading.x_axis_value.empty()) r.x_axis_value = reading.x_axis_value;
  if (!reading.metadata.empty()) r.metadata = reading.metadata;
  return r;
}

CatalogCounts CountCatalog(const std::string& db_url) {
  std::unique_ptr<Store> store = OpenCatalogOnly(db_url);
  if (store == nullptr) return {};
  const CatalogData catalog = CatalogOf(*store);
  CatalogCounts counts;
  counts.orgs = static_cast<int64_t>(catalog.orgs.size());
  counts.inputs = static_cast<int64_t>(catalog.inputs.size());
  counts.assets = static_cast<int64_t>(catalog.assets.size());
  for (const Asset& asset : catalog.assets) {
    counts.asset_inputs += static_cast<int64_t>(asset.input_ids.size());
  }
  return counts;
}

std::string StoredKeyHash(const std::string& db_url, const std::string& org_id) {
  std::unique_ptr<Store> store = OpenCatalogOnly(db_url);
  if (store == nullptr) return "";
  Result<Organisation> org = store->FindOrg(org_id);
  return org ? org->key_hash : "";
}

bool PollUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool AwaitNoOtherConnection(uint16_t port, Transport transport) {
  return PollUntil(std::chrono::milliseconds(5000), [&] {
    HttpClient client(port, transport);
    const std::string text = client.Request("GET", "/metrics").body;
    return text.find("\ndatacooee_http_open_connections 1\n") != std::string::npos;
  });
}

Memory ReadMemory(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  Memory memory;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    double kib = 0;
    fields >> name >> kib;
    if (name == "VmRSS:") memory.rss_mib = kib / 1024.0;
    if (name == "VmHWM:") memory.peak_mib = kib / 1024.0;
  }
  return memory;
}

bool ResetPeak(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5\n";
  out.flush();
  return static_cast<bool>(out);
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
  DC_TEST_DATABASE_OR_SKIP();
  database_ = std::make_unique<TestDatabase>(dir_);
  db_ = database_->url();
  org_ = CreateOrg(db_);
  input_ = CreateInput(db_, org_.id);
  ASSERT_FALSE(org_.id.empty());
  ASSERT_FALSE(input_.empty());
  server_ = std::make_unique<ServerProcess>(db_, ServerArgs(), ServerProcessSetup());
}

HttpResponse ServerTest::Upload(const std::string& body, const Headers& headers) {
  HttpClient client(server_->port());
  return client.Request("POST", UploadTarget(input_), headers, body);
}

// ---- Fetch ----------------------------------------------------------------

namespace {

// `text` as a JSON string literal.
std::string JsonString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string OptionalNumberText(const std::optional<double>& value) {
  return value ? NumberText(*value) : "null";
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool InWindow(int64_t micros, const Window& window) {
  return (!window.start || micros >= *window.start) && (!window.finish || micros <= *window.finish);
}

std::string Escape(const std::string& pointer_token) {
  std::string out;
  for (char c : pointer_token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Compares `actual` with `expected`; on the first difference writes where
// and what into `why`.
bool SameJson(const rapidjson::Value& actual, const rapidjson::Value& expected,
              const std::string& path, std::string* why) {
  const std::string where = path.empty() ? "(root)" : path;
  if (expected.IsNumber()) {
    if (!actual.IsNumber() || actual.GetDouble() != expected.GetDouble()) {
      *why = where + ": got " + Stringify(actual) + ", want " + Stringify(expected);
      return false;
    }
    return true;
  }
  if (expected.IsObject()) {
    if (!actual.IsObject()) {
      *why = where + ": got " + Stringify(actual).substr(0, 200) + ", want an object";
      return false;
    }
    for (auto it = actual.MemberBegin(); it != actual.MemberEnd(); ++it) {
      if (!expected.HasMember(it->name)) {
        *why = where + ": unexpected member \"" + it->name.GetString() + "\" in " +
               Stringify(actual).substr(0, 300);
        return false;
      }
    }
    for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
      const std::string name = it->name.GetString();
      if (!actual.HasMember(it->name)) {
        *why = where + ": member \"" + name + "\" missing from " + Stringify(actual).substr(0, 300);
        return false;
      }
      if (!SameJson(actual[it->name], it->value, path + "/" + Escape(name), why)) return false;
    }
    if (actual.MemberCount() != expected.MemberCount()) {
      *why = where + ": a member appears twice in " + Stringify(actual).substr(0, 300);
      return false;
    }
    return true;
  }
  if (expected.IsArray()) {
    if (!actual.IsArray()) {
      *why = where + ": got " + Stringify(actual).substr(0, 200) + ", want an array";
      return false;
    }
    const rapidjson::SizeType common = std::min(actual.Size(), expected.Size());
    for (rapidjson::SizeType i = 0; i < common; ++i) {
      if (!SameJson(actual[i], expected[i], path + "/" + std::to_string(i), why)) {
        if (actual.Size() != expected.Size()) {
          *why += " (and the array has " + std::to_string(actual.Size()) + " elements, want " +
                  std::to_string(expected.Size()) + ")";
        }
        return false;
      }
    }
    if (actual.Size() != expected.Size()) {
      *why = where + ": " + std::to_string(actual.Size()) + " elements, want " +
             std::to_string(expected.Size());
      if (actual.Size() > expected.Size()) {
        *why += "; first extra: " + Stringify(actual[common]).substr(0, 300);
      }
      return false;
    }
    return true;
  }
  if (actual != expected) {
    *why = where + ": got " + Stringify(actual).substr(0, 200) + ", want " + Stringify(expected);
    return false;
  }
  return true;
}

bool Near(double actual, double expected, double scale) {
  return std::fabs(actual - expected) <= 1e-9 * std::max({std::fabs(expected), scale, 1e-300});
}

std::vector<std::string> InputCommand(const std::string& db, const OrgInfo& org,
                                      const std::string& name, const std::string& unit) {
  std::vector<std::string> args = {"input", "create", "--db", db, "--org", org.id, "--name", name};
  if (!unit.empty()) {
    args.push_back("--unit");
    args.push_back(unit);
  }
  return args;
}

InputInfo InputFrom(const rapidjson::Document& doc) {
  InputInfo input;
  if (doc.HasMember("id") && doc.HasMember("name") && doc.HasMember("measure_unit")) {
    input.id = doc["id"].GetString();
    input.name = doc["name"].GetString();
    input.unit = doc["measure_unit"].GetString();
  }
  return input;
}

OrgInfo OrgFrom(const rapidjson::Document& doc) {
  OrgInfo org;
  if (doc.HasMember("id") && doc.HasMember("name") && doc.HasMember("api_key")) {
    org.id = doc["id"].GetString();
    org.name = doc["name"].GetString();
    org.api_key = doc["api_key"].GetString();
  }
  return org;
}

std::vector<std::string> AssetCommand(const std::string& db, const OrgInfo& org, int64_t id,
                                      const std::string& name,
                                      const std::vector<const InputInfo*>& inputs) {
  std::string ids;
  for (const InputInfo* input : inputs) ids += (ids.empty() ? "" : ",") + input->id;
  return {"asset",  "create", "--db",     db,  "--org", org.id,
          "--name", name,     "--inputs", ids, "--id",  std::to_string(id)};
}

bool IsAsset(const rapidjson::Document& doc, int64_t id) {
  return doc.HasMember("id") && doc["id"].IsInt64() && doc["id"].GetInt64() == id;
}

std::vector<SentReading> BoilerReadings() {
  std::vector<SentReading> readings;
  for (int64_t n = 0; n < 1005; ++n) {
    SentReading r;
    r.micros = TimestampMicrosAt(n * 211) + (n % 10) * 12'345;
    r.value = static_cast<double>((n * 7919) % 997) / 10.0 - 50.0;
    readings.push_back(r);
  }
  return readings;
}

std::vector<SentReading> PumpReadings() {
  std::vector<SentReading> readings;
  for (int64_t n = 0; n < 288; ++n) {
    SentReading r;
    r.micros = TimestampMicrosAt(300 + n * 600) + 500'000;
    r.value = std::sqrt(static_cast<double>(n + 1)) * 3.7 - 20.0;
    readings.push_back(r);
  }
  return readings;
}

std::vector<SentReading> MeterReadings() {
  const int64_t six = TimestampMicrosAt(6 * 3600);
  const int64_t day3 = TimestampMicrosAt(2 * 86'400);
  auto at = [](int64_t micros, double value) {
    SentReading r;
    r.micros = micros;
    r.value = value;
    return r;
  };
  std::vector<SentReading> readings = {
      at(six, 5),              // 06:00:00
      at(six + 1'500'000, 9),  // 06:00:01.5
      at(six + 2'250'000, 9),  // 06:00:02.25
      at(six + 3'000'000, 7),  // 06:00:03
      at(six + 4'000'001, 9),  // 06:00:04.000001
      at(six + 5'000'000, -3.5),
      at(six + 6'000'000, 7),
      at(six + 7'999'999, 0.1),
      at(day3 - 1, 1e-06),  // 2021-03-02T23:59:59.999999Z
      at(day3, 2.5),        // 2021-03-03T00:00:00Z
  };
  readings[0].latitude = 40.73061;
  readings[0].longitude = -73.935242;
  readings[0].x_axis_json = R"("left")";
  readings[0].metadata_json = R"({"battery":97})";
  readings[1].x_axis_json = "3.25";
  readings[1].metadata_json = "{}";
  readings[2].latitude = -90;
  readings[2].longitude = 180;
  readings[3].metadata_json = R"({"tags":["a","b"],"nested":{"ok":true,"none":null}})";
  readings[5].latitude = 12.5;
  readings[6].longitude = -0.5;
  return readings;
}

}  // namespace

const std::vector<FetchEndpoint>& FetchEndpoints() {
  static const std::vector<FetchEndpoint> endpoints = {
      {"get_inputdata_by_inputs", false, false},
      {"get_latest_inputdata_by_inputs", false, false},
      {"get_statistics_inputdata_by_inputs", true, false},
      {"get_latest_statistics_inputdata_by_inputs", true, false},
      {"get_inputdata_by_asset", false, true},
      {"get_latest_inputdata_by_asset", false, true},
      {"get_statistics_inputdata_by_asset", true, true},
      {"get_latest_statistics_inputdata_by_asset", true, true},
  };
  return endpoints;
}

std::string FormatMicros(int64_t micros) {
  const int64_t seconds = FloorDiv(micros, 1'000'000);
  const int64_t fraction = micros - seconds * 1'000'000;
  const time_t t = static_cast<time_t>(seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char text[40];
  const size_t n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  snprintf(text + n, sizeof text - n, ".%06lldZ", static_cast<long long>(fraction));
  return text;
}

std::string NumberText(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string SentAttributes(const SentReading& reading) {
  std::string out = R"({"value":)" + NumberText(reading.value) + R"(,"timestamp":")" +
                    FormatMicros(reading.micros) + "\"";
  if (reading.latitude) out += R"(,"latitude":)" + NumberText(*reading.latitude);
  if (reading.longitude) out += R"(,"longitude":)" + NumberText(*reading.longitude);
  if (!reading.x_axis_json.empty()) out += R"(,"x_axis_value":)" + reading.x_axis_json;
  if (!reading.metadata_json.empty()) out += R"(,"metadata":)" + reading.metadata_json;
  return out + "}";
}

std::string ExpectedReading(const SentReading& reading, RawFields fields) {
  std::string out = R"({"timestamp":")" + FormatMicros(reading.micros) + R"(","value":)" +
                    NumberText(reading.value);
  if (fields.lat_long) {
    out += R"(,"latitude":)" + OptionalNumberText(reading.latitude) + R"(,"longitude":)" +
           OptionalNumberText(reading.longitude);
  }
  if (fields.x_axis) {
    out += R"(,"x_axis_value":)" + (reading.x_axis_json.empty() ? "null" : reading.x_axis_json);
  }
  if (fields.metadata) {
    out += R"(,"metadata":)" + (reading.metadata_json.empty() ? "null" : reading.metadata_json);
  }
  return out + "}";
}

std::string ExpectedReadings(const std::vector<SentReading>& readings, RawFields fields) {
  std::string out = "[";
  for (const SentReading& r : readings) {
    if (out.size() > 1) out += ',';
    out += ExpectedReading(r, fields);
  }
  return out + "]";
}

std::string ExpectedInputHeader(const InputInfo& input) {
  return R"({"id":)" + JsonString(input.id) + R"(,"name":)" + JsonString(input.name) +
         R"(,"measure_unit":)" + JsonString(input.unit) + "}";
}

std::string ExpectedInput(const InputInfo& input, std::string_view inputdata_json) {
  return R"({"input":)" + ExpectedInputHeader(input) + R"(,"inputdata":)" +
         std::string(inputdata_json) + "}";
}

std::string ExpectedRawList(
    const std::vector<std::pair<InputInfo, std::vector<SentReading>>>& inputs, RawFields fields) {
  std::string out = "[";
  for (const auto& [input, readings] : inputs) {
    if (out.size() > 1) out += ',';
    out += ExpectedInput(input, ExpectedReadings(readings, fields));
  }
  return out + "]";
}

std::string ExpectedAsset(int64_t id, std::string_view name, std::string_view inputs_json) {
  return R"({"id":)" + std::to_string(id) + R"(,"name":)" + JsonString(name) + R"(,"inputs":)" +
         std::string(inputs_json) + "}";
}

std::vector<SentReading> SelectRaw(std::vector<SentReading> readings, Window window, Order order,
                                   size_t limit) {
  std::erase_if(readings, [&](const SentReading& r) { return !InWindow(r.micros, window); });
  std::sort(readings.begin(), readings.end(), [order](const SentReading& a, const SentReading& b) {
    switch (order) {
      case Order::kTimestampAsc:
        return a.micros < b.micros;
      case Order::kTimestampDesc:
        return a.micros > b.micros;
      case Order::kValueAsc:
        return a.value != b.value ? a.value < b.value : a.micros < b.micros;
      case Order::kValueDesc:
        return a.value != b.value ? a.value > b.value : a.micros > b.micros;
    }
    return false;
  });
  if (readings.size() > limit) readings.resize(limit);
  return readings;
}

std::vector<ExpectedStats> BruteStatistics(const std::vector<SentReading>& readings, Window window,
                                           std::optional<int64_t> interval_micros) {
  std::vector<SentReading> sorted = SelectRaw(readings, window, Order::kTimestampAsc, SIZE_MAX);
  std::map<int64_t, ExpectedStats> buckets;
  if (!interval_micros) buckets[0] = ExpectedStats{};
  for (const SentReading& r : sorted) {
    const int64_t start =
        interval_micros ? FloorDiv(r.micros, *interval_micros) * *interval_micros : 0;
    ExpectedStats& s = buckets[start];
    s.bucket_start = start;
    if (s.count == 0) {
      s.min = s.max = s.first = r.value;
    }
    ++s.count;
    s.sum += r.value;
    s.sum_abs += std::fabs(r.value);
    s.min = std::min(s.min, r.value);
    s.max = std::max(s.max, r.value);
    s.last = r.value;
  }
  std::vector<ExpectedStats> out;
  for (const auto& [start, stats] : buckets) out.push_back(stats);
  return out;
}

::testing::AssertionResult StatsMatch(const rapidjson::Value& element,
                                      const ExpectedStats& expected,
                                      const std::vector<std::string>& functions,
                                      bool with_timestamp) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << Stringify(element) << "\n  wanted count " << expected.count << ", sum "
           << NumberText(expected.sum) << ", min " << NumberText(expected.min) << ", max "
           << NumberText(expected.max) << ", first " << NumberText(expected.first) << ", last "
           << NumberText(expected.last)
           << (with_timestamp ? ", bucket " + FormatMicros(expected.bucket_start) : "") << ": ";
  };
  if (!element.IsObject()) return fail() << "not an object";
  std::vector<std::string> want_names;
  if (with_timestamp) want_names.push_back("timestamp");
  want_names.insert(want_names.end(), functions.begin(), functions.end());
  std::vector<std::string> names;
  for (auto it = element.MemberBegin(); it != element.MemberEnd(); ++it) {
    names.emplace_back(it->name.GetString());
  }
  if (names != want_names) {
    std::string want;
    for (const std::string& n : want_names) want += (want.empty() ? "" : ",") + n;
    return fail() << "members are not exactly " << want << ", in that order";
  }
  if (with_timestamp && (!element["timestamp"].IsString() ||
                         element["timestamp"].GetString() != FormatMicros(expected.bucket_start))) {
    return fail() << "timestamp differs";
  }
  const bool empty = expected.count == 0;
  for (const std::string& name : functions) {
    const rapidjson::Value& v = element[name.c_str()];
    if (name == "count") {
      if (!v.IsInt64() || v.GetInt64() != expected.count) return fail() << "count differs";
      continue;
    }
    if (name == "sum") {
      if (!v.IsNumber() || !Near(v.GetDouble(), expected.sum, expected.sum_abs)) {
        return fail() << "sum differs";
      }
      continue;
    }
    if (empty) {
      if (!v.IsNull()) return fail() << name << " is not null for an empty window";
      continue;
    }
    if (!v.IsNumber()) return fail() << name << " is not a number";
    const double got = v.GetDouble();
    if (name == "avg") {
      const double count = static_cast<double>(expected.count);
      if (!Near(got, expected.sum / count, expected.sum_abs / count))
        return fail() << "avg differs";
    } else if (name == "min" || name == "max" || name == "first" || name == "last") {
      const double want = name == "min"     ? expected.min
                          : name == "max"   ? expected.max
                          : name == "first" ? expected.first
                                            : expected.last;
      if (got != want) return fail() << name << " differs";
    } else {
      return fail() << "unknown function " << name;
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult JsonMatches(const rapidjson::Value& actual, std::string_view expected) {
  rapidjson::Document want;
  want.Parse<rapidjson::kParseFullPrecisionFlag>(expected.data(), expected.size());
  if (want.HasParseError()) {
    return ::testing::AssertionFailure() << "bad expected JSON: " << expected.substr(0, 500);
  }
  std::string why;
  if (!SameJson(actual, want, "", &why)) return ::testing::AssertionFailure() << why;
  return ::testing::AssertionSuccess();
}

namespace {

::testing::AssertionResult IsJson200(const FetchResponse& response) {
  if (response.http.status != 200) {
    return ::testing::AssertionFailure()
           << "HTTP " << response.http.status << " " << response.http.body.substr(0, 500);
  }
  if (response.http.Header("content-type") != "application/json") {
    return ::testing::AssertionFailure()
           << "Content-Type '" << response.http.Header("content-type") << "'";
  }
  if (response.json.HasParseError()) {
    return ::testing::AssertionFailure() << "not JSON: " << response.http.body.substr(0, 500);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult IsFetchAnswer(const FetchResponse& response, std::string_view expected) {
  ::testing::AssertionResult ok = IsJson200(response);
  if (!ok) return ok;
  return JsonMatches(response.json, expected);
}

::testing::AssertionResult IsStatsAnswer(const FetchResponse& response,
                                         const std::vector<InputStats>& expected,
                                         const std::vector<std::string>& functions,
                                         bool with_timestamp,
                                         std::optional<std::pair<int64_t, std::string>> asset) {
  ::testing::AssertionResult ok = IsJson200(response);
  if (!ok) return ok;
  const rapidjson::Value* list = &response.json;
  if (asset) {
    const rapidjson::Value& doc = response.json;
    if (!doc.IsObject() || doc.MemberCount() != 3 || !doc.HasMember("id") ||
        !doc.HasMember("name") || !doc.HasMember("inputs")) {
      return ::testing::AssertionFailure()
             << "not {\"id\",\"name\",\"inputs\"}: " << response.http.body.substr(0, 300);
    }
    ok = JsonMatches(doc["id"], std::to_string(asset->first));
    if (ok) ok = JsonMatches(doc["name"], JsonString(asset->second));
    if (!ok) return ok;
    list = &doc["inputs"];
  }
  if (!list->IsArray() || list->Size() != expected.size()) {
    return ::testing::AssertionFailure() << "not a list of " << expected.size()
                                         << " inputs: " << response.http.body.substr(0, 300);
  }
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const rapidjson::Value& element = (*list)[i];
    const InputStats& want = expected[i];
    const std::string where = "inputs[" + std::to_string(i) + "] (" + want.input.name + ")";
    if (!element.IsObject() || element.MemberCount() != 2 || !element.HasMember("input") ||
        !element.HasMember("inputdata") || !element["inputdata"].IsArray()) {
      return ::testing::AssertionFailure()
             << where << " is not {\"input\",\"inputdata\":[…]}: " << Stringify(element);
    }
    ok = JsonMatches(element["input"], ExpectedInputHeader(want.input));
    if (!ok) return ok << " at " << where;
    const rapidjson::Value& data = element["inputdata"];
    if (data.Size() != want.stats.size()) {
      return ::testing::AssertionFailure()
             << where << ": " << data.Size() << " statistics elements, want " << want.stats.size()
             << ": " << Stringify(data).substr(0, 500);
    }
    for (rapidjson::SizeType j = 0; j < data.Size(); ++j) {
      ok = StatsMatch(data[j], want.stats[j], functions, with_timestamp);
      if (!ok) return ok << " at " << where << ".inputdata[" << j << "]";
    }
  }
  return ::testing::AssertionSuccess();
}

void FetchTest::SetUp() {
  DC_TEST_DATABASE_OR_SKIP();
  database_ = std::make_unique<TestDatabase>(dir_);
  db_ = database_->url();
  // Each CLI run costs a process start (slow under ASan): after the first,
  // which makes the file, independent ones run at once.
  org_ = CreateOrg(db_, "Acme");
  ASSERT_FALSE(org_.id.empty());
  std::vector<std::vector<std::string>> commands = {
      InputCommand(db_, org_, "Boiler",
                   "\xC2\xB0"
                   "C"),  // °C
      InputCommand(db_, org_, "Pump", "bar"),
      InputCommand(db_, org_, "Meter", ""),
  };
  if (CreateOutsiders()) {
    commands.push_back(InputCommand(db_, org_, "Spare", "kWh"));
    commands.push_back({"org", "create", "--db", db_, "--name", "Rival"});
  }
  std::vector<rapidjson::Document> made = RunJsonAll(commands);
  boiler_ = InputFrom(made[0]);
  pump_ = InputFrom(made[1]);
  meter_ = InputFrom(made[2]);
  ASSERT_FALSE(boiler_.id.empty() || pump_.id.empty() || meter_.id.empty());
  commands = {AssetCommand(db_, org_, kAssetId, "Plant", {&pump_, &meter_, &boiler_})};
  if (CreateOutsiders()) {
    spare_ = InputFrom(made[3]);
    rival_ = OrgFrom(made[4]);
    ASSERT_FALSE(spare_.id.empty() || rival_.id.empty());
    commands.push_back(InputCommand(db_, rival_, "Rival boiler", "bar"));
  }
  made = RunJsonAll(commands);
  ASSERT_TRUE(IsAsset(made[0], kAssetId));
  if (CreateOutsiders()) {
    rival_input_ = InputFrom(made[1]);
    ASSERT_FALSE(rival_input_.id.empty());
    ASSERT_TRUE(
        IsAsset(RunJson(AssetCommand(db_, rival_, kRivalAssetId, "Rival plant", {&rival_input_})),
                kRivalAssetId));
  }
  server_ = std::make_unique<ServerProcess>(db_);
}

bool FetchTest::UploadReadings(const InputInfo& input, const std::vector<SentReading>& readings,
                               const OrgInfo* owner) {
  constexpr size_t kBatch = 10'000;
  HttpClient client(server_->port());
  for (size_t at = 0; at < readings.size(); at += kBatch) {
    std::vector<std::string> attributes;
    for (size_t i = at; i < std::min(readings.size(), at + kBatch); ++i) {
      attributes.push_back(SentAttributes(readings[i]));
    }
    HttpResponse response =
        client.Request("POST", UploadTarget(input.id), UploadHeaders(owner ? *owner : org_),
                       BatchBody(attributes, input.id));
    if (response.status != 201) {
      ADD_FAILURE() << "upload to " << input.name << " got HTTP " << response.status << ": "
                    << response.body;
      return false;
    }
  }
  return true;
}

Headers FetchTest::CredentialsOf(const OrgInfo& org) {
  return {{"organization-id", org.id}, {"organization-api-key", org.api_key}};
}

Headers FetchTest::Credentials() const { return CredentialsOf(org_); }

FetchResponse FetchTest::Request(const std::string& method, const std::string& path_and_query,
                                 const Headers& headers) {
  const std::string target = !path_and_query.empty() && path_and_query[0] == '/'
                                 ? path_and_query
                                 : kFetchBase + path_and_query;
  HttpClient client(server_->port());
  FetchResponse response;
  response.http = client.Request(method, target, headers);
  response.json.Parse<rapidjson::kParseFullPrecisionFlag>(response.http.body.data(),
                                                          response.http.body.size());
  return response;
}

FetchResponse FetchTest::Fetch(const std::string& path_and_query) {
  return Request("GET", path_and_query, Credentials());
}

void FetchDataTest::SetUp() {
  FetchTest::SetUp();
  if (HasFatalFailure() || IsSkipped()) return;
  boiler_readings_ = BoilerReadings();
  pump_readings_ = PumpReadings();
  meter_readings_ = MeterReadings();
  ASSERT_TRUE(UploadReadings(boiler_, boiler_readings_));
  ASSERT_TRUE(UploadReadings(pump_, pump_readings_));
  ASSERT_TRUE(UploadReadings(meter_, meter_readings_));
}

}  // namespace dc::testing
