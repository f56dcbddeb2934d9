#pragma once

#include <string_view>

#include "common/result.h"
#include "domain/catalog_types.h"
#include "storage/postgres/pg_connection.h"
#include "storage/store.h"

namespace dc::postgres {

// The catalog (organisations, inputs, assets) on PostgreSQL, with the
// semantics Store documents (storage/store.h). Every mutation runs in one
// transaction on `connection` that first takes the catalog's advisory lock
// — so that the existence checks before a write hold against every other
// server and CLI on the database, as SQLite's write lock makes them hold —
// and that bumps meta.catalog_version, which running servers poll.
Status CreateOrgIn(PgConnection& connection, const Organisation& org);
Result<Organisation> FindOrgIn(PgConnection& connection, std::string_view org_id);
Status SetOrgKeyIn(PgConnection& connection, std::string_view org_id, std::string_view key_salt,
                   std::string_view key_hash);
Result<Input> CreateInputIn(PgConnection& connection, const Input& input);
Result<Asset> CreateAssetIn(PgConnection& connection, const Asset& asset);
Result<Asset> AddInputToAssetIn(PgConnection& connection, std::string_view org_id, int64_t asset_id,
                                std::string_view input_id);
Result<int64_t> CatalogVersionIn(PgConnection& connection);
// The whole catalog from one snapshot (REPEATABLE READ), so that its
// version matches its rows.
Result<CatalogData> LoadCatalogFrom(PgConnection& connection);

}  // namespace dc::postgres
