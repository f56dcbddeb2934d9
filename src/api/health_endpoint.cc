#include "api/health_endpoint.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "api/guarded_task.h"

namespace dc::api {
namespace {

// Probes are polled; a cache in between must never answer for the server.
http::Response HealthResponse(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string UnavailableBody(const std::string& reason) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("status");
  writer.String("unavailable");
  writer.Key("reason");
  writer.String(reason.data(), static_cast<rapidjson::SizeType>(reason.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

http::Response ReadyResponse(Store& store) {
  const Status ready = store.CheckReady();
  return ready.ok() ? HealthResponse(200, R"({"status":"ready"})")
                    : HealthResponse(503, UnavailableBody(ready.detail()));
}

}  // namespace

http::Endpoint MakeHealthEndpoint() {
  return [](const http::RequestHead&, const http::PathParams&) -> http::Admission {
    return HealthResponse(200, R"({"status":"ok"})");
  };
}

http::Endpoint MakeReadyEndpoint(Store& store, ThreadPool& reads) {
  return [&store, &reads](const http::RequestHead&, const http::PathParams&) -> http::Admission {
    // A GET carries no body worth reading; the limit only bounds a client
    // that sends one anyway.
    return http::BodyHandler{
        1024, [&store, &reads](std::string, http::Responder respond) {
          reads.Post([&store, respond = std::move(respond)] {
            respond(RunGuarded("/readyz", [&store] { return ReadyResponse(store); }));
          });
        }};
  };
}

}  // namespace dc::api
