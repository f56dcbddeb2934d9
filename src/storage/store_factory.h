#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/postgres/pg_options.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/store.h"
#include "storage/store_options.h"

namespace dc {

// Opening a store by its URL: the one place that knows every backend. Only
// the composition root (cli/) and tests that open by URL include it;
// everything else sees a Store.

// Each backend's own tuning, for the backend the URL picks; the others'
// are ignored.
struct BackendOptions {
  sqlite::SqliteOptions sqlite;
  postgres::PgOptions postgres;
};

// Opens the store named by `url`: `sqlite:PATH`, or a bare PATH, is the
// embedded SQLite backend (the file is created and migrated to the current
// schema on open); `postgresql://`, `postgres://` or a libpq keyword string
// is PostgreSQL or Citus (migrated on open, docs/postgresql.md). Returns
// InvalidArgument for a URL no backend handles.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options,
                                         const BackendOptions& backend = {});

// `url` as it may be logged: the backend's name and the URL with any
// password replaced by "***" (e.g. "sqlite ./datacooee.db").
std::string DescribeStoreUrl(std::string_view url);

// Store::BackupTo on the store named by `url`, which must exist (NotFound
// otherwise: a backup never creates an empty database).
Result<BackupSummary> BackupStore(std::string_view url, const std::string& path, bool overwrite,
                                  const StoreOptions& options, const BackendOptions& backend = {});

// Replaces the store named by `url` with the backup file at `backup_path`,
// for a stopped server: checks the backup first (a sound file of a schema
// this binary knows), refuses with Unavailable while a process (the
// server) writes readings to the store, then swaps the files atomically.
// On any error nothing was changed. Returns what the restored store holds.
Result<BackupSummary> RestoreStore(std::string_view url, const std::string& backup_path);

}  // namespace dc
