#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

struct sqlite3;

namespace dc::sqlite {

// Whole database files, for backup and restore (sqlite_backup.cc,
// sqlite_restore.cc): a handle opened outside the store's connection
// discipline (no WAL switch, no pragmas), a copy with SQLite's online backup
// API, an integrity check, and putting a finished file in place durably.
//
// Thread-compatible: a handle is used by one thread. The functions hold no
// state.
//
// Errors: Unavailable when a file cannot be opened, written, synced or
// renamed (as SqliteStatus() maps SQLite's codes), InvalidArgument when a
// file is not a sound SQLite database, Conflict when InstallFile() must not
// replace a file that exists.

struct SqliteCloser {
  void operator()(sqlite3* db) const;
};
// Owns one sqlite3 handle and closes it.
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

enum class FileAccess {
  kReadOnly,   // the file must exist; never written
  kReadWrite,  // the file must exist
  kCreate,     // created when missing
};
Result<SqliteHandle> OpenDatabaseFile(const std::string& path, FileAccess access,
                                      int busy_timeout_ms = 5000);

// Copies the main database of `source` into the file `dest_path` (created
// or overwritten) with the online backup API, in one step: a read
// transaction open on `source` fixes the snapshot copied; without one the
// copy is of the newest commit. The copy keeps the source's journal mode.
Status CopyDatabase(sqlite3* source, const std::string& dest_path);

// PRAGMA integrity_check: InvalidArgument naming `path` and the first
// problems found unless SQLite answers "ok".
Status CheckIntegrity(sqlite3* db, const std::string& path);

// The number of readings the tables hold (a file at the latest schema).
Result<int64_t> CountStoredReadings(sqlite3* db);

// fsync(2) of a file, and of the directory holding `path` (so that a name
// created or renamed there survives a crash).
Status SyncFile(const std::string& path);
Status SyncDirectoryOf(const std::string& path);

// Renames `from` to `to` and syncs the directory. Without `replace`, fails
// with Conflict if `to` exists, atomically (no check-then-rename race).
Status InstallFile(const std::string& from, const std::string& to, bool replace);

// A name beside `path` for a file being built: PATH.tmp-PID-N, unique in
// this process and unlikely to clash with another's.
std::string TempPathBeside(const std::string& path);

// Removes `path` and the files SQLite and the ingest log keep beside it
// (-wal, -shm, -journal, -ingest.lock, -ingest.N); missing ones are fine.
void RemoveDatabaseFiles(const std::string& path);

bool FileExists(const std::string& path);
Result<int64_t> FileSize(const std::string& path);

}  // namespace dc::sqlite
