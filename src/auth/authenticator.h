#pragma once

#include <optional>
#include <string_view>

#include "catalog/catalog_snapshot.h"
#include "common/result.h"

namespace dc {

// Checks an organisation id and API key, as sent in the request headers,
// against a catalog snapshot. Returns the organisation (owned by the
// snapshot), or Unauthenticated. The work done is the same whether the
// organisation exists or not, so timing does not reveal which ids exist.
// Thread-safe.
Result<const Organisation*> Authenticate(const CatalogSnapshot& catalog,
                                         std::optional<std::string_view> org_id,
                                         std::optional<std::string_view> api_key);

}  // namespace dc
