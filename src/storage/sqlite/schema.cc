#include "storage/sqlite/schema.h"

#include <sqlite3.h>

#include <array>
#include <optional>
#include <string>

#include "storage/sqlite/readings_to_blocks.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
  // A step SQL cannot express, run after `sql` in the same transaction.
  Status (*then)(sqlite3* db) = nullptr;
};

// Append-only: a released migration is never edited (files in the field were
// made by it); a change is a new migration. Each script runs in the same
// transaction as its version update.
constexpr std::array kMigrations = {
    // 1: the catalog. `meta` holds counters that must change atomically with
    // the rows they describe: catalog_version (bumped by every catalog
    // mutation so a running server notices CLI changes) and next_reading_id
    // (reading ids are never reused, so the next one is stored, not derived
    // from MAX(id) which would reuse the ids of a rolled-back tail).
    Migration{1, R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('catalog_version', 1), ('next_reading_id', 1);

CREATE TABLE orgs(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_salt BLOB NOT NULL,
  key_hash BLOB NOT NULL
);

-- pk is the compact key readings refer to; id is what clients see.
CREATE TABLE inputs(
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  measure_unit TEXT NOT NULL,
  data_source TEXT NOT NULL CHECK (data_source IN ('API', 'MQTT'))
);

CREATE TABLE assets(
  id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL
);

CREATE TABLE asset_inputs(
  asset_id INTEGER NOT NULL REFERENCES assets(id),
  position INTEGER NOT NULL,
  input_pk INTEGER NOT NULL REFERENCES inputs(pk),
  PRIMARY KEY (asset_id, position),
  UNIQUE (asset_id, input_pk)
) WITHOUT ROWID;
)sql"},

    // 2: readings, clustered by (input, timestamp in microseconds) so that
    // one input's time range is one contiguous index scan and a re-post of
    // the same instant is an upsert on the key. No foreign key to inputs: the
    // writer checks input_pk once per batch, not once per row.
    Migration{2, R"sql(
CREATE TABLE readings(
  input_pk INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  id INTEGER NOT NULL,
  value REAL NOT NULL,
  latitude REAL,
  longitude REAL,
  x_axis_value TEXT,
  metadata TEXT,
  PRIMARY KEY (input_pk, ts)
) WITHOUT ROWID;
)sql"},

    // 3: per-input, per-hour aggregates that answer statistics over long
    // windows without reading every reading (hour_stats.h says how
    // WriteBatches keeps them in step). `hour` is floor(ts / 1 hour), also
    // for timestamps before 1970: SQLite's integer division truncates toward
    // zero, hence the CASE. The table is filled from the readings a version
    // 2 file already holds; the first and last values are found by key, as
    // SQLite picks no defined row for a bare column beside several
    // aggregates.
    Migration{3, R"sql(
CREATE TABLE hour_stats(
  input_pk INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  first_ts INTEGER NOT NULL,
  first_value REAL NOT NULL,
  last_ts INTEGER NOT NULL,
  last_value REAL NOT NULL,
  PRIMARY KEY (input_pk, hour)
) WITHOUT ROWID;
INSERT INTO hour_stats(input_pk, hour, count, sum, min, max, first_ts, first_value, last_ts,
                       last_value)
SELECT g.input_pk, g.hour, g.n, g.total, g.lo, g.hi,
       g.first_ts, (SELECT r.value FROM readings AS r
                    WHERE r.input_pk = g.input_pk AND r.ts = g.first_ts),
       g.last_ts, (SELECT r.value FROM readings AS r
                   WHERE r.input_pk = g.input_pk AND r.ts = g.last_ts)
FROM (SELECT input_pk,
             CASE WHEN ts >= 0 THEN ts / 3600000000 ELSE (ts + 1) / 3600000000 - 1 END AS hour,
             count(*) AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi,
             min(ts) AS first_ts, max(ts) AS last_ts
      FROM readings
      GROUP BY 1, 2) AS g;
)sql"},

    // 4: readings stored by the block (reading_block.h, block_table.h)
    // instead of one row each: SQLite's per-row cost bounded how fast
    // uploads could be merged, and the rows took 36 bytes per reading.
    // Rowid table: a block's bytes are too large for a WITHOUT ROWID
    // b-tree, which keeps whole rows in its interior pages.
    Migration{4, R"sql(
CREATE TABLE reading_blocks(
  input_pk INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (input_pk, first_ts)
);
)sql",
              MoveReadingsIntoBlocks},
};

static_assert(kMigrations.size() == kLatestSchemaVersion,
              "kLatestSchemaVersion must equal the number of migrations");
constexpr bool MigrationsNumberedInOrder() {
  for (size_t i = 0; i < kMigrations.size(); ++i) {
    if (kMigrations[i].version != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(MigrationsNumberedInOrder(), "migrations must be numbered 1, 2, 3, ...");

std::string FileName(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  return file != nullptr ? file : "";
}

// Runs a query that yields one integer, or nullopt when it yields no row.
Result<std::optional<int64_t>> QueryInt(sqlite3* db, const char* sql, std::string_view what) {
  Result<Statement> statement = Statement::Prepare(db, sql);
  if (!statement) return statement.error();
  Result<bool> row = statement->Step(what);
  if (!row) return row.error();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(statement->ColumnInt64(0));
}

// Applies migration `version` unless another opener did it first; the
// version is read again under the write lock for that reason.
Status ApplyMigration(sqlite3* db, const Migration& migration) {
  Result<Transaction> transaction = Transaction::Begin(db, TransactionKind::kWrite);
  if (!transaction) return transaction.error();
  Result<int> current = ReadSchemaVersion(db);
  if (!current) return current.error();
  if (*current >= migration.version) return Status::Ok();  // rolled back: nothing done

  const std::string what = "applying schema migration " + std::to_string(migration.version);
  if (*current == 0) {
    DC_RETURN_IF_ERROR(ExecSql(db,
                               "CREATE TABLE schema_version(version INTEGER NOT NULL);"
                               "INSERT INTO schema_version(version) VALUES (0);",
                               what));
  }
  DC_RETURN_IF_ERROR(ExecSql(db, migration.sql, what));
  if (migration.then != nullptr) DC_RETURN_IF_ERROR(migration.then(db));
  Result<Statement> update = Statement::Prepare(db, "UPDATE schema_version SET version = ?1");
  if (!update) return update.error();
  update->BindInt64(1, migration.version);
  DC_RETURN_IF_ERROR(update->Run(what));
  return transaction->Commit();
}

Status MigrateTo(sqlite3* db, int target) {
  Result<int> current = ReadSchemaVersion(db);
  if (!current) return current.error();
  if (*current > kLatestSchemaVersion) {
    return Status::InvalidArgument(
        "the database '" + FileName(db) + "' has schema version " + std::to_string(*current) +
        ", newer than the newest this datacooee binary knows (" +
        std::to_string(kLatestSchemaVersion) + "); open it with a newer datacooee");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current || migration.version > target) continue;
    DC_RETURN_IF_ERROR(ApplyMigration(db, migration));
  }
  return Status::Ok();
}

}  // namespace

Result<int> ReadSchemaVersion(sqlite3* db) {
  Result<std::optional<int64_t>> has_table =
      QueryInt(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'",
               "reading the schema version");
  if (!has_table) return has_table.error();
  if (!has_table->has_value()) {
    // Refuse to add our tables to some other application's database.
    Result<std::optional<int64_t>> other = QueryInt(
        db, "SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 1",
        "reading the schema");
    if (!other) return other.error();
    if (other->has_value()) {
      return Status::InvalidArgument("the file '" + FileName(db) +
                                     "' is an SQLite database but not a datacooee one (it has "
                                     "tables but no schema_version); refusing to change it");
    }
    return 0;
  }
  Result<std::optional<int64_t>> count =
      QueryInt(db, "SELECT count(*) FROM schema_version", "reading the schema version");
  if (!count) return count.error();
  if (**count != 1) {
    return Status::Internal("the database '" + FileName(db) + "' has " + std::to_string(**count) +
                            " rows in schema_version instead of one; it is damaged");
  }
  Result<std::optional<int64_t>> version =
      QueryInt(db, "SELECT version FROM schema_version", "reading the schema version");
  if (!version) return version.error();
  const int64_t value = **version;
  if (value < 0 || value > 1'000'000) {
    return Status::Internal("the database '" + FileName(db) +
                            "' has an impossible schema version " + std::to_string(value));
  }
  return static_cast<int>(value);
}

Status Migrate(sqlite3* db) { return MigrateTo(db, kLatestSchemaVersion); }

Status MigrateToForTesting(sqlite3* db, int version) {
  if (version < 1 || version > kLatestSchemaVersion) {
    return Status::InvalidArgument("no schema version " + std::to_string(version));
  }
  return MigrateTo(db, version);
}

}  // namespace dc::sqlite
