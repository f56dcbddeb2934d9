#pragma once

#include <string>

#include "common/thread_pool.h"
#include "http/endpoint.h"
#include "metrics/server_metrics.h"

namespace dc::api {

// GET /metrics: every metric of `metrics` in the Prometheus text format
// 0.0.4 (Content-Type text/plain; version=0.0.4; charset=utf-8). With a
// non-empty `token`, the request must carry `Authorization: Bearer TOKEN`
// (compared in constant time), else 401 with the JSON error body and
// `WWW-Authenticate: Bearer`. Rendering stats the store's files, so it
// runs on `reads`. `metrics` and `reads` are borrowed and must outlive the
// endpoint.
http::Endpoint MakeMetricsEndpoint(const metrics::ServerMetrics& metrics, std::string token,
                                   ThreadPool& reads);

}  // namespace dc::api
