#include "api/routes.h"

#include "api/upload_endpoint.h"

namespace dc::api {

http::Router BuildRouter(const CatalogCache& catalog, IngestWriter& writer) {
  http::Router router;
  router.Add(http::Method::kPost, "/api/external/v1/inputs/{input_pk}/inputdata",
             MakeUploadEndpoint(catalog, writer));
  return router;
}

}  // namespace dc::api
