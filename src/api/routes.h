#pragma once

#include "catalog/catalog_cache.h"
#include "http/router.h"
#include "ingest/ingest_writer.h"

namespace dc::api {

// Every route of the Datacooee API. The router borrows the catalog and the
// writer, which must outlive it.
http::Router BuildRouter(const CatalogCache& catalog, IngestWriter& writer);

}  // namespace dc::api
