// SqliteStore: catalog mutations. Each runs in one BEGIN IMMEDIATE
// transaction on the writer connection that also bumps catalog_version, so a
// running server that polls CatalogVersion() sees either none or all of a
// change. Existence checks are explicit queries inside that transaction
// (rather than decoding constraint errors) so each error names the offending
// id; the write lock makes them race-free against other processes too.
#include <sqlite3.h>

#include <set>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

std::string Quoted(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '\'';
  quoted += text;
  quoted += '\'';
  return quoted;
}

Status OrgNotFound(std::string_view org_id) {
  return Status::NotFound("organisation " + Quoted(org_id) + " not found");
}

// Whether `sql`, with `key` bound to ?1, yields a row.
Result<bool> Exists(const Connection& c, const char* sql, std::string_view key,
                    std::string_view what) {
  Result<Statement> query = c.Prepare(sql);
  if (!query) return query.error();
  query->BindText(1, key);
  return query->Step(what);
}

Result<bool> OrgExists(const Connection& c, std::string_view org_id) {
  return Exists(c, "SELECT 1 FROM orgs WHERE id = ?1", org_id, "looking up an organisation");
}

struct InputRef {
  int64_t pk = 0;
  std::string org_id;
};

Result<std::optional<InputRef>> FindInputRef(const Connection& c, std::string_view input_id) {
  Result<Statement> query = c.Prepare("SELECT pk, org_id FROM inputs WHERE id = ?1");
  if (!query) return query.error();
  query->BindText(1, input_id);
  Result<bool> row = query->Step("looking up an input");
  if (!row) return row.error();
  if (!*row) return std::optional<InputRef>();
  return std::optional<InputRef>(InputRef{query->ColumnInt64(0), query->ColumnText(1)});
}

// The pk of input `input_id` of organisation `org_id`; NotFound, without
// saying which, when it does not exist or belongs to another organisation.
Result<int64_t> InputPkInOrg(const Connection& c, std::string_view input_id,
                             std::string_view org_id) {
  Result<std::optional<InputRef>> input = FindInputRef(c, input_id);
  if (!input) return input.error();
  if (!input->has_value() || (*input)->org_id != org_id) {
    return Status::NotFound("input " + Quoted(input_id) + " not found in organisation " +
                            Quoted(org_id));
  }
  return (*input)->pk;
}

Status InsertAssetInput(const Connection& c, int64_t asset_id, int64_t position, int64_t input_pk) {
  Result<Statement> insert =
      c.Prepare("INSERT INTO asset_inputs(asset_id, position, input_pk) VALUES (?1, ?2, ?3)");
  if (!insert) return insert.error();
  insert->BindInt64(1, asset_id);
  insert->BindInt64(2, position);
  insert->BindInt64(3, input_pk);
  return insert->Run("adding an input to an asset", ConstraintMeans::kConflict);
}

}  // namespace

Status SqliteStore::BumpCatalogVersion() {
  Result<Statement> bump =
      writer_.connection.Prepare("UPDATE meta SET value = value + 1 WHERE key = 'catalog_version'");
  if (!bump) return bump.error();
  DC_RETURN_IF_ERROR(bump->Run("bumping the catalog version"));
  if (sqlite3_changes(writer_.connection.get()) != 1) {
    return Status::Internal("the meta row 'catalog_version' is missing");
  }
  return Status::Ok();
}

Result<Asset> SqliteStore::LoadAssetLocked(int64_t asset_id) {
  const Connection& c = writer_.connection;
  Result<Statement> find = c.Prepare("SELECT org_id, name FROM assets WHERE id = ?1");
  if (!find) return find.error();
  find->BindInt64(1, asset_id);
  Result<bool> row = find->Step("looking up an asset");
  if (!row) return row.error();
  if (!*row) return Status::NotFound("asset " + std::to_string(asset_id) + " not found");
  Asset asset{
      .id = asset_id, .org_id = find->ColumnText(0), .name = find->ColumnText(1), .input_ids = {}};

  Result<Statement> members = c.Prepare(
      "SELECT i.id FROM asset_inputs AS ai JOIN inputs AS i ON i.pk = ai.input_pk "
      "WHERE ai.asset_id = ?1 ORDER BY ai.position");
  if (!members) return members.error();
  members->BindInt64(1, asset_id);
  while (true) {
    Result<bool> next = members->Step("loading asset inputs");
    if (!next) return next.error();
    if (!*next) break;
    asset.input_ids.push_back(members->ColumnText(0));
  }
  return asset;
}

Status SqliteStore::CreateOrg(const Organisation& org) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  const Connection& c = writer_.connection;
  Result<Transaction> transaction = Transaction::Begin(c.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  Result<bool> exists = OrgExists(c, org.id);
  if (!exists) return exists.error();
  if (*exists) return Status::Conflict("organisation " + Quoted(org.id) + " already exists");

  Result<Statement> insert =
      c.Prepare("INSERT INTO orgs(id, name, key_salt, key_hash) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return insert.error();
  insert->BindText(1, org.id);
  insert->BindText(2, org.name);
  insert->BindBlob(3, org.key_salt);
  insert->BindBlob(4, org.key_hash);
  DC_RETURN_IF_ERROR(insert->Run("creating an organisation", ConstraintMeans::kConflict));
  DC_RETURN_IF_ERROR(BumpCatalogVersion());
  return transaction->Commit();
}

Status SqliteStore::SetOrgKey(std::string_view org_id, std::string_view key_salt,
                              std::string_view key_hash) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  const Connection& c = writer_.connection;
  Result<Transaction> transaction = Transaction::Begin(c.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  Result<Statement> update =
      c.Prepare("UPDATE orgs SET key_salt = ?2, key_hash = ?3 WHERE id = ?1");
  if (!update) return update.error();
  update->BindText(1, org_id);
  update->BindBlob(2, key_salt);
  update->BindBlob(3, key_hash);
  DC_RETURN_IF_ERROR(update->Run("setting an organisation's key"));
  if (sqlite3_changes(c.get()) == 0) return OrgNotFound(org_id);
  DC_RETURN_IF_ERROR(BumpCatalogVersion());
  return transaction->Commit();
}

Result<Input> SqliteStore::CreateInput(const Input& input) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  const Connection& c = writer_.connection;
  Result<Transaction> transaction = Transaction::Begin(c.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  Result<bool> org_exists = OrgExists(c, input.org_id);
  if (!org_exists) return org_exists.error();
  if (!*org_exists) return OrgNotFound(input.org_id);
  // Input ids are unique across the server, not per organisation.
  Result<bool> taken =
      Exists(c, "SELECT 1 FROM inputs WHERE id = ?1", input.id, "looking up an input");
  if (!taken) return taken.error();
  if (*taken) return Status::Conflict("input " + Quoted(input.id) + " already exists");

  Result<Statement> insert = c.Prepare(
      "INSERT INTO inputs(id, org_id, name, measure_unit, data_source) "
      "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING pk");
  if (!insert) return insert.error();
  insert->BindText(1, input.id);
  insert->BindText(2, input.org_id);
  insert->BindText(3, input.name);
  insert->BindText(4, input.measure_unit);
  insert->BindText(5, DataSourceName(input.data_source));
  Result<bool> row = insert->Step("creating an input", ConstraintMeans::kConflict);
  if (!row) return row.error();
  if (!*row) return Status::Internal("creating an input returned no pk");
  Input stored = input;
  stored.pk = insert->ColumnInt64(0);
  insert->Reset();  // finishes the INSERT before COMMIT

  DC_RETURN_IF_ERROR(BumpCatalogVersion());
  DC_RETURN_IF_ERROR(transaction->Commit());
  return stored;
}

Result<Asset> SqliteStore::CreateAsset(const Asset& asset) {
  if (asset.id < 0) {
    return Status::InvalidArgument(
        "asset id must be a positive integer (or 0 to allocate one), got " +
        std::to_string(asset.id));
  }
  std::lock_guard<std::mutex> lock(writer_mu_);
  const Connection& c = writer_.connection;
  Result<Transaction> transaction = Transaction::Begin(c.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  Result<bool> org_exists = OrgExists(c, asset.org_id);
  if (!org_exists) return org_exists.error();
  if (!*org_exists) return OrgNotFound(asset.org_id);

  if (asset.id != 0) {
    Result<Statement> find = c.Prepare("SELECT 1 FROM assets WHERE id = ?1");
    if (!find) return find.error();
    find->BindInt64(1, asset.id);
    Result<bool> taken = find->Step("looking up an asset");
    if (!taken) return taken.error();
    if (*taken) return Status::Conflict("asset " + std::to_string(asset.id) + " already exists");
  }

  std::vector<int64_t> input_pks;
  input_pks.reserve(asset.input_ids.size());
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

  // A NULL id makes SQLite allocate one past the largest (INTEGER PRIMARY KEY).
  Result<Statement> insert =
      c.Prepare("INSERT INTO assets(id, org_id, name) VALUES (?1, ?2, ?3) RETURNING id");
  if (!insert) return insert.error();
  if (asset.id == 0) {
    insert->BindNull(1);
  } else {
    insert->BindInt64(1, asset.id);
  }
  insert->BindText(2, asset.org_id);
  insert->BindText(3, asset.name);
  Result<bool> row = insert->Step("creating an asset", ConstraintMeans::kConflict);
  if (!row) return row.error();
  if (!*row) return Status::Internal("creating an asset returned no id");
  Asset stored = asset;
  stored.id = insert->ColumnInt64(0);
  insert->Reset();

  for (size_t i = 0; i < input_pks.size(); ++i) {
    DC_RETURN_IF_ERROR(InsertAssetInput(c, stored.id, static_cast<int64_t>(i), input_pks[i]));
  }
  DC_RETURN_IF_ERROR(BumpCatalogVersion());
  DC_RETURN_IF_ERROR(transaction->Commit());
  return stored;
}

Result<Asset> SqliteStore::AddInputToAsset(std::string_view org_id, int64_t asset_id,
                                           std::string_view input_id) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  const Connection& c = writer_.connection;
  Result<Transaction> transaction = Transaction::Begin(c.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  const std::string asset_name = "asset " + std::to_string(asset_id);
  Result<Statement> find = c.Prepare("SELECT org_id FROM assets WHERE id = ?1");
  if (!find) return find.error();
  find->BindInt64(1, asset_id);
  Result<bool> found = find->Step("looking up an asset");
  if (!found) return found.error();
  // Another organisation's asset is reported exactly like a missing one.
  if (!*found || find->ColumnText(0) != org_id) {
    return Status::NotFound(asset_name + " not found in organisation " + Quoted(org_id));
  }
  find->Reset();

  Result<int64_t> input_pk = InputPkInOrg(c, input_id, org_id);
  if (!input_pk) return input_pk.error();

  Result<Statement> member =
      c.Prepare("SELECT 1 FROM asset_inputs WHERE asset_id = ?1 AND input_pk = ?2");
  if (!member) return member.error();
  member->BindInt64(1, asset_id);
  member->BindInt64(2, *input_pk);
  Result<bool> already = member->Step("looking up an asset's inputs");
  if (!already) return already.error();
  if (*already) {
    return Status::Conflict("input " + Quoted(input_id) + " is already in " + asset_name);
  }

  Result<Statement> last =
      c.Prepare("SELECT coalesce(max(position) + 1, 0) FROM asset_inputs WHERE asset_id = ?1");
  if (!last) return last.error();
  last->BindInt64(1, asset_id);
  Result<bool> row = last->Step("looking up an asset's inputs");
  if (!row) return row.error();
  if (!*row) return Status::Internal("max(position) returned no row");
  const int64_t position = last->ColumnInt64(0);
  last->Reset();

  DC_RETURN_IF_ERROR(InsertAssetInput(c, asset_id, position, *input_pk));
  DC_RETURN_IF_ERROR(BumpCatalogVersion());
  Result<Asset> asset = LoadAssetLocked(asset_id);
  if (!asset) return asset.error();
  DC_RETURN_IF_ERROR(transaction->Commit());
  return asset;
}

}  // namespace dc::sqlite
