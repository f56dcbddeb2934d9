#pragma once

#include "catalog/catalog_cache.h"
#include "http/endpoint.h"
#include "ingest/ingest_writer.h"

namespace dc::api {

// POST /api/external/v1/inputs/{input_pk}/inputdata/ — docs/api.md "Upload".
// Checks, in order: credentials (401), the input (404), its data source
// (403), the media type (415) — all before the body is read — then the size
// (413) and the body (400/409). A valid upload goes to the ingest writer and
// is answered 201 only once committed.
//
// Borrows the catalog and the writer, which must outlive the router.
http::Endpoint MakeUploadEndpoint(const CatalogCache& catalog, IngestWriter& writer);

}  // namespace dc::api
