#include "storage/postgres/pg_catalog.h"

#include <map>
#include <set>
#include <string>

#include "storage/postgres/pg_transaction.h"

namespace dc::postgres {
namespace {

// The advisory lock every catalog mutation takes ("dccatalg").
constexpr const char* kLockCatalog = "SELECT pg_advisory_xact_lock(7233734696702667879)";

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

Status OrgNotFound(std::string_view org_id) {
  return Status::NotFound("organisation " + Quoted(org_id) + " not found");
}

// bytea in PostgreSQL's hex text form, for a text parameter.
std::string ByteaHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex = "\\x";
  for (const unsigned char byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}

std::string ByteaAt(const PGresult* result, int row, int column) {
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result, row, column)), &length);
  if (bytes == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

std::string StringAt(const PGresult* result, int row, int column) {
  return std::string(TextAt(result, row, column).value_or(""));
}

// Whether `sql` with `params` yields a row.
Result<bool> Exists(PgConnection& c, const char* sql, const Params& params, std::string_view what) {
  Result<PgResult> rows = c.Query(sql, params, what);
  if (!rows) return rows.error();
  return PQntuples(rows->get()) > 0;
}

Result<bool> OrgExists(PgConnection& c, std::string_view org_id) {
  return Exists(c, "SELECT 1 FROM orgs WHERE id = $1", {std::string(org_id)},
                "looking up an organisation");
}

// The pk of input `input_id` of organisation `org_id`; NotFound, without
// saying which, when it does not exist or belongs to another organisation.
Result<int64_t> InputPkInOrg(PgConnection& c, std::string_view input_id, std::string_view org_id) {
  Result<PgResult> found =
      c.Query("SELECT pk FROM inputs WHERE id = $1 AND org_id = $2",
              {std::string(input_id), std::string(org_id)}, "looking up an input");
  if (!found) return found.error();
  if (PQntuples(found->get()) == 0) {
    return Status::NotFound("input " + Quoted(input_id) + " not found in organisation " +
                            Quoted(org_id));
  }
  return Int64At(found->get(), 0, 0);
}

Status BumpCatalogVersion(PgConnection& c) {
  Result<PgResult> bumped =
      c.Query("UPDATE meta SET value = value + 1 WHERE key = 'catalog_version' RETURNING value", {},
              "bumping the catalog version");
  if (!bumped) return bumped.error();
  if (PQntuples(bumped->get()) != 1) {
    return Status::Internal("the meta row 'catalog_version' is missing");
  }
  return Status::Ok();
}

// Runs `change` in a transaction under the catalog lock, bumps the catalog
// version and commits.
template <class T, class F>
Result<T> Mutate(PgConnection& c, std::string_view what, F change) {
  Result<PgTransaction> transaction = PgTransaction::Begin(c, what);
  if (!transaction) return transaction.error();
  DC_RETURN_IF_ERROR(c.Exec(kLockCatalog, what));
  Result<T> changed = change();
  if (!changed) return changed.error();
  DC_RETURN_IF_ERROR(BumpCatalogVersion(c));
  DC_RETURN_IF_ERROR(transaction->Commit(what));
  return changed;
}

struct Done {};

Result<Asset> LoadAsset(PgConnection& c, int64_t asset_id) {
  Result<PgResult> found = c.Query("SELECT org_id, name FROM assets WHERE id = $1",
                                   {std::to_string(asset_id)}, "looking up an asset");
  if (!found) return found.error();
  if (PQntuples(found->get()) == 0) {
    return Status::NotFound("asset " + std::to_string(asset_id) + " not found");
  }
  Asset asset{.id = asset_id,
              .org_id = StringAt(found->get(), 0, 0),
              .name = StringAt(found->get(), 0, 1),
              .input_ids = {}};
  Result<PgResult> members = c.Query(
      "SELECT i.id FROM asset_inputs AS ai JOIN inputs AS i ON i.pk = ai.input_pk "
      "WHERE ai.asset_id = $1 ORDER BY ai.position",
      {std::to_string(asset_id)}, "loading asset inputs");
  if (!members) return members.error();
  for (int i = 0; i < PQntuples(members->get()); ++i) {
    asset.input_ids.push_back(StringAt(members->get(), i, 0));
  }
  return asset;
}

Status InsertAssetInput(PgConnection& c, int64_t asset_id, int64_t position, int64_t input_pk) {
  Result<PgResult> inserted =
      c.Query("INSERT INTO asset_inputs(asset_id, position, input_pk) VALUES ($1, $2, $3)",
              {std::to_string(asset_id), std::to_string(position), std::to_string(input_pk)},
              "adding an input to an asset");
  return inserted ? Status::Ok() : inserted.error();
}

DataSource DataSourceOf(std::string_view name) {
  return name == "MQTT" ? DataSource::kMqtt : DataSource::kApi;
}

}  // namespace

Status CreateOrgIn(PgConnection& c, const Organisation& org) {
  Result<Done> done = Mutate<Done>(c, "creating an organisation", [&]() -> Result<Done> {
    Result<bool> exists = OrgExists(c, org.id);
    if (!exists) return exists.error();
    if (*exists) return Status::Conflict("organisation " + Quoted(org.id) + " already exists");
    Result<PgResult> inserted =
        c.Query("INSERT INTO orgs(id, name, key_salt, key_hash) VALUES ($1, $2, $3, $4)",
                {org.id, org.name, ByteaHex(org.key_salt), ByteaHex(org.key_hash)},
                "creating an organisation");
    if (!inserted) return inserted.error();
    return Done{};
  });
  return done ? Status::Ok() : done.error();
}

Result<Organisation> FindOrgIn(PgConnection& c, std::string_view org_id) {
  Result<PgResult> found = c.Query("SELECT name, key_salt, key_hash FROM orgs WHERE id = $1",
                                   {std::string(org_id)}, "looking up an organisation");
  if (!found) return found.error();
  if (PQntuples(found->get()) == 0) return OrgNotFound(org_id);
  return Organisation{.id = std::string(org_id),
                      .name = StringAt(found->get(), 0, 0),
                      .key_salt = ByteaAt(found->get(), 0, 1),
                      .key_hash = ByteaAt(found->get(), 0, 2)};
}

Status SetOrgKeyIn(PgConnection& c, std::string_view org_id, std::string_view key_salt,
                   std::string_view key_hash) {
  Result<Done> done = Mutate<Done>(c, "setting an organisation's key", [&]() -> Result<Done> {
    Result<PgResult> updated =
        c.Query("UPDATE orgs SET key_salt = $2, key_hash = $3 WHERE id = $1 RETURNING id",
                {std::string(org_id), ByteaHex(key_salt), ByteaHex(key_hash)},
                "setting an organisation's key");
    if (!updated) return updated.error();
    if (PQntuples(updated->get()) == 0) return OrgNotFound(org_id);
    return Done{};
  });
  return done ? Status::Ok() : done.error();
}

Result<Input> CreateInputIn(PgConnection& c, const Input& input) {
  return Mutate<Input>(c, "creating an input", [&]() -> Result<Input> {
    Result<bool> org_exists = OrgExists(c, input.org_id);
    if (!org_exists) return org_exists.error();
    if (!*org_exists) return OrgNotFound(input.org_id);
    // Input ids are unique across the server, not per organisation.
    Result<bool> taken =
        Exists(c, "SELECT 1 FROM inputs WHERE id = $1", {input.id}, "looking up an input");
    if (!taken) return taken.error();
    if (*taken) return Status::Conflict("input " + Quoted(input.id) + " already exists");
    Result<PgResult> inserted = c.Query(
        "INSERT INTO inputs(pk, id, org_id, name, measure_unit, data_source) "
        "VALUES (nextval('input_pks'), $1, $2, $3, $4, $5) RETURNING pk",
        {input.id, input.org_id, input.name, input.measure_unit,
         std::string(DataSourceName(input.data_source))},
        "creating an input");
    if (!inserted) return inserted.error();
    Input stored = input;
    stored.pk = Int64At(inserted->get(), 0, 0);
    return stored;
  });
}

Result<Asset> CreateAssetIn(PgConnection& c, const Asset& asset) {
  if (asset.id < 0) {
    return Status::InvalidArgument(
        "asset id must be a positive integer (or 0 to allocate one), got " +
        std::to_string(asset.id));
  }
  return Mutate<Asset>(c, "creating an asset", [&]() -> Result<Asset> {
    Result<bool> org_exists = OrgExists(c, asset.org_id);
    if (!org_exists) return org_exists.error();
    if (!*org_exists) return OrgNotFound(asset.org_id);
    if (asset.id != 0) {
      Result<bool> taken = Exists(c, "SELECT 1 FROM assets WHERE id = $1",
                                  {std::to_string(asset.id)}, "looking up an asset");
      if (!taken) return taken.error();
      if (*taken) return Status::Conflict("asset " + std::to_string(asset.id) + " already exists");
    }
    std::vector<int64_t> input_pks;
    std::set<std::string_view> seen;
    for (const std::string& input_id : asset.input_ids) {
      if (!seen.insert(input_id).second) {
        return Status::InvalidArgument("input " + Quoted(input_id) +
                                       " is listed more than once for the asset");
      }
      Result<int64_t> pk = InputPkInOrg(c, input_id, asset.org_id);
      if (!pk) return pk.error();
      input_pks.push_back(*pk);
    }
    // One past the largest, as SQLite allocates (the catalog lock is held).
    // A query of its own: Citus takes no subquery inside INSERT ... VALUES.
    int64_t id = asset.id;
    if (id == 0) {
      Result<PgResult> largest =
          c.Query("SELECT coalesce(max(id), 0) + 1 FROM assets", {}, "allocating an asset id");
      if (!largest) return largest.error();
      id = Int64At(largest->get(), 0, 0);
    }
    Result<PgResult> inserted =
        c.Query("INSERT INTO assets(id, org_id, name) VALUES ($1, $2, $3) RETURNING id",
                {std::to_string(id), asset.org_id, asset.name}, "creating an asset");
    if (!inserted) return inserted.error();
    Asset stored = asset;
    stored.id = Int64At(inserted->get(), 0, 0);
    for (size_t i = 0; i < input_pks.size(); ++i) {
      DC_RETURN_IF_ERROR(InsertAssetInput(c, stored.id, static_cast<int64_t>(i), input_pks[i]));
    }
    return stored;
  });
}

Result<Asset> AddInputToAssetIn(PgConnection& c, std::string_view org_id, int64_t asset_id,
                                std::string_view input_id) {
  return Mutate<Asset>(c, "adding an input to an asset", [&]() -> Result<Asset> {
    const std::string asset_name = "asset " + std::to_string(asset_id);
    // Another organisation's asset is reported exactly like a missing one.
    Result<bool> ours =
        Exists(c, "SELECT 1 FROM assets WHERE id = $1 AND org_id = $2",
               {std::to_string(asset_id), std::string(org_id)}, "looking up an asset");
    if (!ours) return ours.error();
    if (!*ours)
      return Status::NotFound(asset_name + " not found in organisation " + Quoted(org_id));
    Result<int64_t> input_pk = InputPkInOrg(c, input_id, org_id);
    if (!input_pk) return input_pk.error();
    Result<bool> already = Exists(
        c, "SELECT 1 FROM asset_inputs WHERE asset_id = $1 AND input_pk = $2",
        {std::to_string(asset_id), std::to_string(*input_pk)}, "looking up an asset's inputs");
    if (!already) return already.error();
    if (*already) {
      return Status::Conflict("input " + Quoted(input_id) + " is already in " + asset_name);
    }
    Result<PgResult> last =
        c.Query("SELECT coalesce(max(position) + 1, 0) FROM asset_inputs WHERE asset_id = $1",
                {std::to_string(asset_id)}, "looking up an asset's inputs");
    if (!last) return last.error();
    DC_RETURN_IF_ERROR(InsertAssetInput(c, asset_id, Int64At(last->get(), 0, 0), *input_pk));
    return LoadAsset(c, asset_id);
  });
}

Result<int64_t> CatalogVersionIn(PgConnection& c) {
  Result<PgResult> version = c.Query("SELECT value FROM meta WHERE key = 'catalog_version'", {},
                                     "reading the catalog version");
  if (!version) return version.error();
  if (PQntuples(version->get()) != 1) {
    return Status::Internal("the meta row 'catalog_version' is missing");
  }
  return Int64At(version->get(), 0, 0);
}

Result<CatalogData> LoadCatalogFrom(PgConnection& c) {
  constexpr std::string_view kWhat = "loading the catalog";
  Result<PgTransaction> snapshot =
      PgTransaction::Begin(c, kWhat, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!snapshot) return snapshot.error();
  CatalogData catalog;
  Result<int64_t> version = CatalogVersionIn(c);
  if (!version) return version.error();
  catalog.version = *version;

  Result<PgResult> orgs =
      c.Query("SELECT id, name, key_salt, key_hash FROM orgs ORDER BY id", {}, kWhat);
  if (!orgs) return orgs.error();
  for (int i = 0; i < PQntuples(orgs->get()); ++i) {
    catalog.orgs.push_back(Organisation{.id = StringAt(orgs->get(), i, 0),
                                        .name = StringAt(orgs->get(), i, 1),
                                        .key_salt = ByteaAt(orgs->get(), i, 2),
                                        .key_hash = ByteaAt(orgs->get(), i, 3)});
  }
  Result<PgResult> inputs = c.Query(
      "SELECT pk, id, org_id, name, measure_unit, data_source FROM inputs ORDER BY pk", {}, kWhat);
  if (!inputs) return inputs.error();
  for (int i = 0; i < PQntuples(inputs->get()); ++i) {
    catalog.inputs.push_back(Input{.pk = Int64At(inputs->get(), i, 0),
                                   .id = StringAt(inputs->get(), i, 1),
                                   .org_id = StringAt(inputs->get(), i, 2),
                                   .name = StringAt(inputs->get(), i, 3),
                                   .measure_unit = StringAt(inputs->get(), i, 4),
                                   .data_source = DataSourceOf(StringAt(inputs->get(), i, 5))});
  }
  Result<PgResult> assets = c.Query(
      "SELECT a.id, a.org_id, a.name, i.id FROM assets AS a "
      "LEFT JOIN asset_inputs AS ai ON ai.asset_id = a.id "
      "LEFT JOIN inputs AS i ON i.pk = ai.input_pk ORDER BY a.id, ai.position",
      {}, kWhat);
  if (!assets) return assets.error();
  for (int i = 0; i < PQntuples(assets->get()); ++i) {
    const int64_t id = Int64At(assets->get(), i, 0);
    if (catalog.assets.empty() || catalog.assets.back().id != id) {
      catalog.assets.push_back(Asset{.id = id,
                                     .org_id = StringAt(assets->get(), i, 1),
                                     .name = StringAt(assets->get(), i, 2),
                                     .input_ids = {}});
    }
    if (auto input = TextAt(assets->get(), i, 3)) {
      catalog.assets.back().input_ids.emplace_back(*input);
    }
  }
  DC_RETURN_IF_ERROR(snapshot->Commit(kWhat));
  return catalog;
}

}  // namespace dc::postgres
