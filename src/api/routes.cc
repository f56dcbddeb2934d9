#include "api/routes.h"

#include <algorithm>
#include <string>
#include <vector>

#include "api/docs_endpoint.h"
#include "api/fetch_endpoint.h"
#include "api/health_endpoint.h"
#include "api/metrics_endpoint.h"
#include "api/upload_endpoint.h"

namespace dc::api {
namespace {

constexpr std::string_view kHealthz = "/healthz";
constexpr std::string_view kReadyz = "/readyz";
constexpr std::string_view kMetrics = "/metrics";

}  // namespace

bool IsOpsRoute(std::string_view pattern) {
  return pattern == kHealthz || pattern == kReadyz || pattern == kMetrics;
}

http::Router BuildRouter(const CatalogCache& catalog, IngestWriter& writer, Store& store,
                         ThreadPool& reads, const OpsOptions& ops) {
  http::Router router;
  router.Add(http::Method::kPost, "/api/external/v1/inputs/{input_pk}/inputdata",
             MakeUploadEndpoint(catalog, writer));

  // Each behaviour has two names: the `latest` one differs only in the
  // window form the reference's examples show, and every fetch endpoint
  // takes either (docs/api.md, "Fetch").
  struct FetchRoute {
    const char* name;
    FetchShape shape;
    FetchTarget target;
  };
  constexpr FetchRoute kFetchRoutes[] = {
      {"inputdata_by_inputs", FetchShape::kRaw, FetchTarget::kInputs},
      {"statistics_inputdata_by_inputs", FetchShape::kStatistics, FetchTarget::kInputs},
      {"inputdata_by_asset", FetchShape::kRaw, FetchTarget::kAsset},
      {"statistics_inputdata_by_asset", FetchShape::kStatistics, FetchTarget::kAsset},
  };
  for (const FetchRoute& route : kFetchRoutes) {
    for (const char* prefix : {"get_", "get_latest_"}) {
      router.Add(http::Method::kGet, std::string("/api/external/v1/") + prefix + route.name,
                 MakeFetchEndpoint(route.shape, route.target, catalog, store, reads,
                                   ops.max_fetch_answer_bytes));
    }
  }
  // The API's own description; no credentials (docs/api.md, "Operational
  // routes").
  router.Add(http::Method::kGet, "/api/openapi.json", MakeOpenApiEndpoint());
  router.Add(http::Method::kGet, "/api/docs", MakeDocsPageEndpoint());

  router.Add(http::Method::kGet, kHealthz, MakeHealthEndpoint());
  router.Add(http::Method::kGet, kReadyz, MakeReadyEndpoint(store, reads));
  if (ops.metrics != nullptr) {
    router.Add(http::Method::kGet, kMetrics,
               MakeMetricsEndpoint(*ops.metrics, ops.metrics_token, reads));
    std::vector<std::string> api_routes;
    for (const http::Router::RouteInfo& route : router.Routes()) {
      if (IsOpsRoute(route.pattern)) continue;
      if (std::find(api_routes.begin(), api_routes.end(), route.pattern) == api_routes.end()) {
        api_routes.push_back(route.pattern);
      }
    }
    ops.metrics->CountRoutes(api_routes);
  }
  return router;
}

}  // namespace dc::api
