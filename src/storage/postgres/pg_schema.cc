#include "storage/postgres/pg_schema.h"

#include <array>
#include <string>

namespace dc::postgres {
namespace {

struct Migration {
  int version;
  const char* sql;
  // Run after `sql`, in the same transaction, when the database has citus.
  const char* citus_sql;
};

// Append-only, like SQLite's (storage/sqlite/schema.cc): a released
// migration is never edited; a change is a new one.
constexpr std::array kMigrations = {
    // 1: the catalog, readings and hour aggregates (docs/storage.md,
    // "PostgreSQL"). Timestamps are microseconds since the epoch, as
    // everywhere in the server. Readings are range-partitioned by time:
    // a month each from 2000 to 2100, created when the first reading of the
    // month arrives (pg_partitions.h), and one partition for everything
    // before and one for everything after, so that no upload can make
    // thousands of partitions. Reading ids come from a sequence that hands
    // out blocks of 1024, so that several servers take ids without meeting.
    Migration{1, R"sql(
CREATE TABLE schema_version(version integer NOT NULL);
INSERT INTO schema_version(version) VALUES (0);

CREATE TABLE meta(
  key text PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO meta(key, value) VALUES ('catalog_version', 1);

CREATE TABLE orgs(
  id text PRIMARY KEY,
  name text NOT NULL,
  key_salt bytea NOT NULL,
  key_hash bytea NOT NULL
);

CREATE SEQUENCE input_pks;
CREATE SEQUENCE reading_ids INCREMENT BY 1024;

CREATE TABLE inputs(
  pk bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  org_id text NOT NULL REFERENCES orgs(id),
  name text NOT NULL,
  measure_unit text NOT NULL,
  data_source text NOT NULL CHECK (data_source IN ('API', 'MQTT'))
);

CREATE TABLE assets(
  id bigint PRIMARY KEY,
  org_id text NOT NULL REFERENCES orgs(id),
  name text NOT NULL
);

CREATE TABLE asset_inputs(
  asset_id bigint NOT NULL REFERENCES assets(id),
  position integer NOT NULL,
  input_pk bigint NOT NULL REFERENCES inputs(pk),
  PRIMARY KEY (asset_id, position),
  UNIQUE (asset_id, input_pk)
);

CREATE TABLE readings(
  input_pk bigint NOT NULL,
  ts bigint NOT NULL,
  id bigint NOT NULL,
  value double precision NOT NULL,
  latitude double precision,
  longitude double precision,
  x_axis_value text,
  metadata text,
  PRIMARY KEY (input_pk, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE readings_before_2000 PARTITION OF readings
  FOR VALUES FROM (MINVALUE) TO (946684800000000);
CREATE TABLE readings_from_2100 PARTITION OF readings
  FOR VALUES FROM (4102444800000000) TO (MAXVALUE);

CREATE TABLE hour_stats(
  input_pk bigint NOT NULL,
  hour bigint NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  first_ts bigint NOT NULL,
  first_value double precision NOT NULL,
  last_ts bigint NOT NULL,
  last_value double precision NOT NULL,
  PRIMARY KEY (input_pk, hour)
);
)sql",
              // The catalog is small and read whole: a copy on every node
              // (reference tables). Readings and their hour aggregates are
              // sharded by input, in the same shard groups, so that every
              // request naming one input goes to one worker.
              R"sql(
SELECT create_reference_table('schema_version');
SELECT create_reference_table('meta');
SELECT create_reference_table('orgs');
SELECT create_reference_table('inputs');
SELECT create_reference_table('assets');
SELECT create_reference_table('asset_inputs');
SELECT create_distributed_table('readings', 'input_pk');
SELECT create_distributed_table('hour_stats', 'input_pk', colocate_with => 'readings');
)sql"},
};

static_assert(kMigrations.size() == kLatestPgSchemaVersion,
              "kLatestPgSchemaVersion must equal the number of migrations");

Result<int> ReadVersion(PgConnection& connection) {
  Result<PgResult> exists = connection.Query("SELECT to_regclass('schema_version') IS NOT NULL", {},
                                             "reading the schema version");
  if (!exists) return exists.error();
  if (*TextAt(exists->get(), 0, 0) != "t") return 0;
  Result<PgResult> version =
      connection.Query("SELECT version FROM schema_version", {}, "reading the schema version");
  if (!version) return version.error();
  if (PQntuples(version->get()) != 1) return Status::Internal("schema_version has no single row");
  return static_cast<int>(Int64At(version->get(), 0, 0));
}

Status Apply(PgConnection& connection, const Migration& migration, bool citus) {
  const std::string what = "applying schema migration " + std::to_string(migration.version);
  std::string sql = migration.sql;
  if (citus && migration.citus_sql != nullptr) sql += migration.citus_sql;
  sql += "UPDATE schema_version SET version = " + std::to_string(migration.version) + ";";
  return connection.ExecTransaction(sql, what);
}

Status MigrateLocked(PgConnection& connection) {
  Result<int> current = ReadVersion(connection);
  if (!current) return current.error();
  if (*current > kLatestPgSchemaVersion) {
    return Status::InvalidArgument("the database has schema version " + std::to_string(*current) +
                                   ", newer than this datacooee knows (" +
                                   std::to_string(kLatestPgSchemaVersion) + "): upgrade datacooee");
  }
  if (*current == kLatestPgSchemaVersion) return Status::Ok();
  Result<bool> citus = HasCitus(connection);
  if (!citus) return citus.error();
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    DC_RETURN_IF_ERROR(Apply(connection, migration, *citus));
  }
  return Status::Ok();
}

}  // namespace

Result<bool> HasCitus(PgConnection& connection) {
  Result<PgResult> found = connection.Query(
      "SELECT count(*) FROM pg_extension WHERE extname = 'citus'", {}, "looking for citus");
  if (!found) return found.error();
  return Int64At(found->get(), 0, 0) > 0;
}

Status MigratePg(PgConnection& connection) {
  const std::string lock = std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")";
  DC_RETURN_IF_ERROR(connection.Exec(lock, "waiting for other servers' schema migrations"));
  const Status migrated = MigrateLocked(connection);
  const std::string unlock = std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")";
  // A lost connection releases the lock on its own.
  (void)connection.Exec(unlock, "ending the schema migration");
  return migrated;
}

}  // namespace dc::postgres
