// PgStore: opening, the catalog (pg_catalog.cc does the work), and the
// operational calls. Writing readings is in pg_store_readings.cc, reading
// them in pg_store_reads.cc.
#include "storage/postgres/pg_store.h"

#include "storage/postgres/pg_catalog.h"
#include "storage/postgres/pg_schema.h"

namespace dc::postgres {
namespace {

// The reading_ids sequence's INCREMENT BY (pg_schema.cc): each nextval
// hands this server a block of that many ids.
constexpr int64_t kIdBlock = 1024;

// What every writer connection is set up with.
Status PrepareWriter(PgConnection& writer, bool citus) {
  // A 201 means committed on the server's disk, whatever the database's
  // default (docs/postgresql.md, "What a 201 means").
  DC_RETURN_IF_ERROR(writer.Exec("SET synchronous_commit TO on", "configuring a writer"));
  // Citus otherwise opens a connection per shard for a COPY that spans
  // several shards of one worker, a new one at each commit: a group commit
  // of 30 inputs took 410 ms instead of 5.5 (docs/scaling.md, "Writes").
  if (citus) {
    DC_RETURN_IF_ERROR(
        writer.Exec("SET citus.max_adaptive_executor_pool_size TO 1", "configuring a writer"));
  }
  return writer.Exec(
      "CREATE TEMP TABLE IF NOT EXISTS staging(input_pk bigint, ts bigint, id bigint, "
      "value double precision, latitude double precision, longitude double precision, "
      "x_axis_value text, metadata text) ON COMMIT DELETE ROWS",
      "creating a writer's staging table");
}

}  // namespace

PgStore::PgStore(std::string conninfo, const StoreOptions& options, const PgOptions& pg_options,
                 bool citus)
    : conninfo_(std::move(conninfo)),
      options_(options),
      citus_(citus),
      writer_connections_(std::max(pg_options.writer_connections, 1)),
      pool_(conninfo_, static_cast<size_t>(std::max(options.read_connections, 1))),
      writers_(conninfo_, static_cast<size_t>(writer_connections_),
               [citus](PgConnection& writer) { return PrepareWriter(writer, citus); }) {}

Status UseDatabaseTools() {
  return Status::InvalidArgument(
      "datacooee backup and restore make and take SQLite files; back a PostgreSQL database up "
      "with its own tools (pg_dump, or a base backup with WAL archiving: docs/postgresql.md)");
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& conninfo,
                                               const StoreOptions& options,
                                               const PgOptions& pg_options) {
  Result<PgConnection> connection = PgConnection::Open(conninfo);
  if (!connection) return connection.error();
  DC_RETURN_IF_ERROR(MigratePg(*connection));
  Result<bool> citus = HasCitus(*connection);
  if (!citus) return citus.error();
  auto store = std::unique_ptr<PgStore>(new PgStore(conninfo, options, pg_options, *citus));
  store->pool_.Adopt(std::move(*connection));
  return store;
}

Status PgStore::CreateOrg(const Organisation& org) {
  return WithConnection([&](PgConnection& c) { return CreateOrgIn(c, org); });
}
Result<Organisation> PgStore::FindOrg(std::string_view org_id) {
  return WithConnection([&](PgConnection& c) { return FindOrgIn(c, org_id); });
}
Status PgStore::SetOrgKey(std::string_view org_id, std::string_view key_salt,
                          std::string_view key_hash) {
  return WithConnection(
      [&](PgConnection& c) { return SetOrgKeyIn(c, org_id, key_salt, key_hash); });
}
Result<Input> PgStore::CreateInput(const Input& input) {
  return WithConnection([&](PgConnection& c) { return CreateInputIn(c, input); });
}
Result<Asset> PgStore::CreateAsset(const Asset& asset) {
  return WithConnection([&](PgConnection& c) { return CreateAssetIn(c, asset); });
}
Result<Asset> PgStore::AddInputToAsset(std::string_view org_id, int64_t asset_id,
                                       std::string_view input_id) {
  return WithConnection(
      [&](PgConnection& c) { return AddInputToAssetIn(c, org_id, asset_id, input_id); });
}
Result<int64_t> PgStore::CatalogVersion() {
  return WithConnection([&](PgConnection& c) { return CatalogVersionIn(c); });
}
Result<CatalogData> PgStore::LoadCatalog() {
  return WithConnection([&](PgConnection& c) { return LoadCatalogFrom(c); });
}

Result<PgLease> PgStore::Writer() {
  if (!options_.write_readings) {
    return Status::Unavailable("this process opened the database for its catalog only");
  }
  return writers_.Borrow();
}

Result<std::vector<int64_t>> PgStore::TakeIds(PgConnection& writer, size_t n) {
  std::vector<int64_t> ids;
  ids.reserve(n);
  std::lock_guard lock(ids_mutex_);
  while (ids.size() < n) {
    if (ids_left_ == 0) {
      Result<PgResult> block =
          writer.Query("SELECT nextval('reading_ids')", {}, "taking reading ids");
      if (!block) return block.error();
      next_id_ = Int64At(block->get(), 0, 0);
      ids_left_ = kIdBlock;
    }
    ids.push_back(next_id_++);
    --ids_left_;
  }
  return ids;
}

Result<int64_t> PgStore::CountReadings(int64_t input_pk) {
  return WithConnection([&](PgConnection& c) -> Result<int64_t> {
    Result<PgResult> count = c.Query("SELECT count(*) FROM readings WHERE input_pk = $1",
                                     {std::to_string(input_pk)}, "counting readings");
    if (!count) return count.error();
    return Int64At(count->get(), 0, 0);
  });
}

Status PgStore::CheckReady() {
  Status answered = WithConnection([&](PgConnection& c) -> Status {
    Result<PgResult> one = c.Query("SELECT 1", {}, "checking the database");
    return one ? Status::Ok() : Status::Unavailable("the database does not answer");
  });
  if (!answered.ok()) return answered;
  if (write_failing_.load(std::memory_order_relaxed)) {
    return Status::Unavailable("the database refused the last readings: they could not be stored");
  }
  return Status::Ok();
}

uint64_t PgStore::SizeOnDisk() {
  // On Citus the coordinator's shells hold nothing: the workers' shards
  // are counted instead.
  const char* sql =
      citus_ ? "SELECT coalesce(sum(citus_total_relation_size(logicalrelid)), 0) FROM "
               "pg_dist_partition WHERE logicalrelid::regclass::text IN ('readings', "
               "'hour_stats', 'inputs', 'orgs', 'assets', 'asset_inputs', 'meta')"
             : "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class AS c "
               "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'";
  Result<uint64_t> size = WithConnection([&](PgConnection& c) -> Result<uint64_t> {
    Result<PgResult> bytes = c.Query(sql, {}, "measuring the database");
    if (!bytes) return bytes.error();
    return static_cast<uint64_t>(Int64At(bytes->get(), 0, 0));
  });
  return size ? *size : 0;
}

Result<BackupSummary> PgStore::BackupTo(const std::string& path, bool overwrite) {
  (void)path;
  (void)overwrite;
  return UseDatabaseTools();
}

}  // namespace dc::postgres
