#include "api/docs_endpoint.h"

#include <memory>
#include <string>

#include "api/content_security_policy.h"
#include "api/openapi/embedded_files.h"

namespace dc::api {
namespace {

http::Response Document(std::string_view content_type, std::string_view body) {
  http::Response response;
  response.content_type = std::string(content_type);
  response.body = std::string(body);
  // The body never changes while this binary runs; a browser may keep it a
  // little, but must ask again after an upgrade.
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

http::Endpoint MakeOpenApiEndpoint() {
  return [](const http::RequestHead&, const http::PathParams&) -> http::Admission {
    return Document("application/json", OpenApiJson());
  };
}

http::Endpoint MakeDocsPageEndpoint() {
  // Hashed once: the page is fixed at build time.
  auto policy = std::make_shared<const std::string>(ContentSecurityPolicyFor(DocsPageHtml()));
  return [policy](const http::RequestHead&, const http::PathParams&) -> http::Admission {
    http::Response response = Document("text/html; charset=utf-8", DocsPageHtml());
    response.headers.emplace_back("Content-Security-Policy", *policy);
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
  };
}

}  // namespace dc::api
