#include "api/metrics_endpoint.h"

#include <optional>
#include <string_view>

#include "api/guarded_task.h"
#include "auth/secret_compare.h"

namespace dc::api {
namespace {

// The token of an `Authorization: Bearer TOKEN` field (scheme in any case,
// RFC 7235), or nullopt.
std::optional<std::string_view> BearerToken(std::optional<std::string_view> field) {
  constexpr std::string_view kScheme = "bearer ";
  if (!field || field->size() < kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = (*field)[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) {
      return std::nullopt;
    }
  }
  std::string_view token = field->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return token;
}

http::Response Unauthorized(std::string detail) {
  http::Response response = http::ErrorResponse(Status::Unauthenticated(std::move(detail)));
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

// Render() runs the probes (the store's size, ...), which may throw.
http::Response MetricsResponse(const metrics::ServerMetrics& metrics) {
  http::Response response;
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics.Render();
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

http::Endpoint MakeMetricsEndpoint(const metrics::ServerMetrics& metrics, std::string token,
                                   ThreadPool& reads) {
  return [&metrics, token = std::move(token), &reads](const http::RequestHead& head,
                                                      const http::PathParams&) -> http::Admission {
    if (!token.empty()) {
      const std::optional<std::string_view> given = BearerToken(head.Header("authorization"));
      if (!given) return Unauthorized("/metrics needs an Authorization: Bearer token");
      if (!SecretsEqual(*given, token)) return Unauthorized("the metrics token is not valid");
    }
    return http::BodyHandler{
        1024, [&metrics, &reads](std::string, http::Responder respond) {
          reads.Post([&metrics, respond = std::move(respond)] {
            respond(RunGuarded("/metrics", [&metrics] { return MetricsResponse(metrics); }));
          });
        }};
  };
}

}  // namespace dc::api
