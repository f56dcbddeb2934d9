#pragma once

#include <string>

#include "common/result.h"
#include "storage/store.h"

namespace dc::sqlite {

// Replaces the SQLite database at `db_path` with the backup file at
// `backup_path` (RestoreStore() in store.h), in this order, so that any
// error before the last step leaves everything as it was:
//   1. the backup opens read-only, holds a datacooee schema this binary
//      knows, and passes PRAGMA integrity_check;
//   2. the ingest log's lock of `db_path` is free (no server runs on it),
//      and is held to the end so that none starts meanwhile;
//   3. the backup is copied beside `db_path` and synced;
//   4. the current database, if any, is checkpointed, so that its -wal
//      holds nothing; a -wal still in use means another process has the
//      file open, and the restore stops;
//   5. the current database's ingest log segments, -wal and -shm are
//      removed (they belong to the file being replaced: replayed into the
//      restored one, they would corrupt it), and the copy is renamed over
//      `db_path`, and the directory synced.
// A crash during step 5 leaves the old database without its unmerged
// readings, never the restored one with the old log.
//
// Thread-compatible: one restore at a time per database.
//
// Errors: NotFound when there is no backup file, InvalidArgument when it is
// not a sound datacooee database, Unavailable when a server holds the
// database ("stop the server first") or a file cannot be written.
Result<BackupSummary> RestoreSqliteDatabase(const std::string& backup_path,
                                            const std::string& db_path);

}  // namespace dc::sqlite
