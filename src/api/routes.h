#pragma once

#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "http/router.h"
#include "ingest/ingest_writer.h"

namespace dc::api {

// Every route of the Datacooee API. The router borrows the catalog, the
// writer, the store and the read pool, which must outlive it.
http::Router BuildRouter(const CatalogCache& catalog, IngestWriter& writer, Store& store,
                         ThreadPool& reads);

}  // namespace dc::api
