#pragma once

#include <string>
#include <string_view>

#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "http/router.h"
#include "ingest/ingest_writer.h"
#include "metrics/server_metrics.h"
#include "query/fetch_query.h"

namespace dc::api {

// The operator's routes beside the API (docs/operations.md, "Health and
// metrics"), and the one API setting an operator never sets: the bound on
// fetch answers, lowered only by tests.
struct OpsOptions {
  // Served at /metrics, and told which routes' requests to count; null
  // serves no /metrics. Borrowed: must outlive the router.
  metrics::ServerMetrics* metrics = nullptr;
  // When not empty, /metrics wants `Authorization: Bearer` this.
  std::string metrics_token;
  // The bound on a fetch answer; kMaxFetchAnswerBytes unless the hidden
  // DATACOOEE_MAX_FETCH_ANSWER_BYTES (for tests) lowers it.
  size_t max_fetch_answer_bytes = kMaxFetchAnswerBytes;
};

// Whether `pattern` is one of the ops routes (/healthz, /readyz,
// /metrics), which are not counted as API requests.
bool IsOpsRoute(std::string_view pattern);

// Every route of the Datacooee API, and /healthz, /readyz and /metrics.
// The router borrows the catalog, the writer, the store, the read pool and
// ops.metrics, which must outlive it. Calls ops.metrics->CountRoutes() with
// the API's patterns.
http::Router BuildRouter(const CatalogCache& catalog, IngestWriter& writer, Store& store,
                         ThreadPool& reads, const OpsOptions& ops = {});

}  // namespace dc::api
