// Fuzzes a whole request through the real router, endpoints, ingest writer,
// read pool and SQLite store: everything the server does after Beast has
// parsed the head. Whatever arrives, the answer must be one docs/api.md allows
// ("Errors"):
// a known status, a JSON body, and no 5xx but 503.
//
// Input layout (FuzzedDataProvider): method, path choice, trailing slash,
// credential variant, content-type variant, query string, then the body
// (the rest).
#include <fuzzer/FuzzedDataProvider.h>
#include <rapidjson/document.h>
#include <strings.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_server.h"
#include "http/router.h"

namespace {

using dc::fuzz::Die;
using dc::fuzz::kApiInput;
using dc::fuzz::kApiKey;
using dc::fuzz::kMqttInput;
using dc::fuzz::kOrgId;

constexpr const char* kFetchPaths[] = {
    "/api/external/v1/get_inputdata_by_inputs",
    "/api/external/v1/get_latest_inputdata_by_inputs",
    "/api/external/v1/get_statistics_inputdata_by_inputs",
    "/api/external/v1/get_latest_statistics_inputdata_by_inputs",
    "/api/external/v1/get_inputdata_by_asset",
    "/api/external/v1/get_latest_inputdata_by_asset",
    "/api/external/v1/get_statistics_inputdata_by_asset",
    "/api/external/v1/get_latest_statistics_inputdata_by_asset",
};

struct MethodChoice {
  dc::http::Method method;
  const char* text;
};
constexpr MethodChoice kMethods[] = {
    {dc::http::Method::kGet, "GET"},         {dc::http::Method::kHead, "HEAD"},
    {dc::http::Method::kPost, "POST"},       {dc::http::Method::kPut, "PUT"},
    {dc::http::Method::kPatch, "PATCH"},     {dc::http::Method::kDelete, "DELETE"},
    {dc::http::Method::kOptions, "OPTIONS"}, {dc::http::Method::kOther, "BREW"},
};

constexpr const char* kContentTypes[] = {
    "application/vnd.api+json",
    "application/json",
    "application/json; charset=utf-8",
    "Application/VND.API+JSON",
    "text/plain",
    "application/jsonx",
    "",
};

dc::fuzz::FuzzServer* server = nullptr;
std::unique_ptr<dc::http::Router> router;
// REQUEST_FUZZER_TRACE=1 prints each request's answer, to see what a seed or
// a crash input actually reaches (replay: request_fuzzer FILE).
bool trace = false;

// Header fields as a session would pass them: first match wins, names
// compared without case.
class VectorHeaders : public dc::http::HeaderLookup {
 public:
  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  std::optional<std::string_view> Get(std::string_view name) const override {
    const dc::http::HeaderValues values = GetAll(name);
    if (values.empty()) return std::nullopt;
    return values.front();
  }
  dc::http::HeaderValues GetAll(std::string_view name) const override {
    dc::http::HeaderValues values;
    for (const auto& [field, value] : fields_) {
      if (field.size() == name.size() && strncasecmp(field.data(), name.data(), name.size()) == 0) {
        values.emplace_back(value);
      }
    }
    return values;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

void CheckResponse(const dc::http::Response& response, dc::http::Method method,
                   std::string_view target) {
  const std::string status = std::to_string(response.status);
  if (trace) {
    std::fprintf(stderr, "request_fuzzer: %s %.*s -> %d %.200s\n",
                 std::string(dc::http::MethodName(method)).c_str(), static_cast<int>(target.size()),
                 target.data(), response.status, response.body.c_str());
  }
  switch (response.status) {
    case 200:
      if (method != dc::http::Method::kGet && method != dc::http::Method::kHead) {
        Die("200 for a method other than GET/HEAD");
      }
      break;
    case 201:
      if (method != dc::http::Method::kPost) Die("201 for a method other than POST");
      break;
    case 405: {
      bool has_allow = false;
      for (const auto& [name, value] : response.headers) has_allow |= name == "Allow";
      if (!has_allow) Die("405 without Allow");
      break;
    }
    case 400:
    case 401:
    case 403:
    case 404:
    case 409:
    case 413:
    case 415:
    case 503:
      break;
    default:
      Die("unexpected status", status + " " + response.body.substr(0, 500));
  }
  if (response.body.empty()) Die("empty body with status", status);
  rapidjson::Document doc;
  doc.Parse(response.body.data(), response.body.size());
  if (doc.HasParseError()) Die("body is not JSON:", status + " " + response.body.substr(0, 500));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trace = std::getenv("REQUEST_FUZZER_TRACE") != nullptr;
  server = &dc::fuzz::OpenFuzzServer("request_fuzzer");
  router = std::make_unique<dc::http::Router>(server->MakeRouter());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const MethodChoice method = in.PickValueInArray(kMethods);

  std::string path;
  const uint8_t path_choice = in.ConsumeIntegralInRange<uint8_t>(0, 11);
  if (path_choice == 0) {
    path = std::string("/api/external/v1/inputs/") + kApiInput + "/inputdata";
  } else if (path_choice == 1) {
    path = std::string("/api/external/v1/inputs/") + kMqttInput + "/inputdata";
  } else if (path_choice == 2) {
    path = "/api/external/v1/inputs/" + in.ConsumeRandomLengthString(80) + "/inputdata";
  } else if (path_choice < 11) {
    path = kFetchPaths[path_choice - 3];
  } else {
    path = in.ConsumeRandomLengthString(200);
  }
  if (in.ConsumeBool()) path += '/';

  VectorHeaders headers;
  switch (in.ConsumeIntegralInRange<uint8_t>(0, 4)) {
    case 0:  // valid, canonical spelling
      headers.Add("ORGANIZATION-ID", kOrgId);
      headers.Add("ORGANIZATION-API-KEY", kApiKey);
      break;
    case 1:  // valid, lowercase underscore spelling
      headers.Add("organization_id", kOrgId);
      headers.Add("organization_api_key", kApiKey);
      break;
    case 2:  // wrong key for a known organisation
      headers.Add("Organization-Id", kOrgId);
      headers.Add("Organization-Api-Key", in.ConsumeRandomLengthString(64));
      break;
    case 3:  // fuzzed organisation and key
      headers.Add("ORGANIZATION-ID", in.ConsumeRandomLengthString(64));
      headers.Add("ORGANIZATION-API-KEY", in.ConsumeRandomLengthString(64));
      break;
    default:  // none
      break;
  }
  const uint8_t content_type = in.ConsumeIntegralInRange<uint8_t>(0, std::size(kContentTypes));
  if (content_type < std::size(kContentTypes)) {
    headers.Add("Content-Type", kContentTypes[content_type]);
  }  // else: no Content-Type at all

  const std::string query = in.ConsumeRandomLengthString(1024);
  const std::string body = in.ConsumeRemainingBytesAsString();
  const std::string target = query.empty() ? path : path + "?" + query;

  dc::http::RequestHead head;
  head.method = method.method;
  head.method_text = method.text;
  head.target = target;
  head.path = path;
  head.query = query;
  head.headers = &headers;
  head.content_length = body.size();

  dc::http::Admission admission = router->Route(head);
  if (auto* response = std::get_if<dc::http::Response>(&admission)) {
    CheckResponse(*response, method.method, target);
    return 0;
  }
  auto& handler = std::get<dc::http::BodyHandler>(admission);
  // The session answers an oversized body with 413 before the route sees it.
  if (body.size() > handler.body_limit) return 0;

  // The endpoint answers from the ingest writer's or read pool's thread.
  auto answered = std::make_shared<std::promise<dc::http::Response>>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::future<dc::http::Response> future = answered->get_future();
  handler.run(body, [answered, calls](dc::http::Response response) {
    if (calls->fetch_add(1) != 0) Die("responder called twice");
    answered->set_value(std::move(response));
  });
  if (future.wait_for(std::chrono::seconds(8)) != std::future_status::ready) {
    Die("no response within 8 s");
  }
  CheckResponse(future.get(), method.method, target);
  return 0;
}
