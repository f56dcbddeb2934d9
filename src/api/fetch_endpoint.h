#pragma once

#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "http/endpoint.h"
#include "query/fetch_query.h"
#include "storage/store.h"

namespace dc::api {

// The eight GET endpoints of docs/api.md "Fetch" share this one path: on the
// I/O thread, check credentials (401), parse the query string into a
// FetchQuery (400), resolve the inputs or the asset (404); then, on the read
// pool, run the store's scans and render the answer as it is read.
//
// An answer over `max_answer_bytes` (kMaxFetchAnswerBytes unless a test
// serves a smaller one) is a 400 naming `limit`, and nothing of it is sent.
//
// Borrows the catalog, the store and the pool, which must outlive the
// router.
http::Endpoint MakeFetchEndpoint(FetchShape shape, FetchTarget target, const CatalogCache& catalog,
                                 Store& store, ThreadPool& reads,
                                 size_t max_answer_bytes = kMaxFetchAnswerBytes);

}  // namespace dc::api
