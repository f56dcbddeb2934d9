#pragma once

#include "catalog/catalog_snapshot.h"
#include "common/result.h"
#include "http/request.h"
#include "http/response.h"

namespace dc::api {

// Authenticates a request from its ORGANIZATION-ID / ORGANIZATION-API-KEY
// headers (any case; the underscore spellings too). Returns the organisation,
// owned by `catalog`, or Unauthenticated; InvalidArgument (with
// source.header) when one credential is sent twice with different values.
Result<const Organisation*> AuthenticateRequest(const CatalogSnapshot& catalog,
                                                const http::RequestHead& head);

// The input `input_id` if it exists and belongs to `org`; else NotFound —
// the same answer either way, so ids of other organisations stay hidden.
Result<const Input*> FindOwnedInput(const CatalogSnapshot& catalog, const Organisation& org,
                                    std::string_view input_id);

// `response`, marked for the access log as answered to `org_id`.
inline http::Response ForOrg(const std::string& org_id, http::Response response) {
  response.principal = org_id;
  return response;
}

}  // namespace dc::api
