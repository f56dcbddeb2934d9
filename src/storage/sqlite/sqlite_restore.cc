#include "storage/sqlite/sqlite_restore.h"

#include <sqlite3.h>
#include <unistd.h>

#include "storage/sqlite/database_file.h"
#include "storage/sqlite/ingest_log.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_statement.h"

namespace dc::sqlite {
namespace {

// Step 1: what the backup holds, if it is one this binary can restore.
Result<BackupSummary> CheckBackup(sqlite3* db, const std::string& path) {
  Result<int> version = ReadSchemaVersion(db);
  if (!version) {
    return Status::InvalidArgument("'" + path +
                                   "' is not a datacooee backup: " + version.error().detail());
  }
  if (*version == 0) {
    return Status::InvalidArgument("'" + path + "' is not a datacooee backup (it holds no tables)");
  }
  if (*version > kLatestSchemaVersion) {
    return Status::InvalidArgument("'" + path + "' has schema version " + std::to_string(*version) +
                                   ", newer than this binary knows (" +
                                   std::to_string(kLatestSchemaVersion) +
                                   "); restore it with a newer datacooee");
  }
  DC_RETURN_IF_ERROR(CheckIntegrity(db, path));
  BackupSummary summary;
  summary.readings = -1;  // an older schema is counted once the server migrated it
  if (*version == kLatestSchemaVersion) {
    Result<int64_t> readings = CountStoredReadings(db);
    if (!readings) return readings.error();
    summary.readings = *readings;
  }
  return summary;
}

// Step 4: empties the current database's -wal into the file, so that
// removing the -wal loses nothing. A database that cannot be read is being
// replaced for that reason; its -wal is not saved.
Status CheckpointCurrent(const std::string& db_path) {
  if (!FileExists(db_path)) return Status::Ok();
  {
    Result<SqliteHandle> db = OpenDatabaseFile(db_path, FileAccess::kReadWrite);
    if (!db) return Status::Ok();
    Result<Statement> checkpoint = Statement::Prepare(db->get(), "PRAGMA wal_checkpoint(TRUNCATE)");
    if (!checkpoint) return Status::Ok();
    Result<bool> row = checkpoint->Step("checkpointing the current database");
    if (!row) {
      if (row.error().IsUnavailable()) return row.error();  // busy: in use
      return Status::Ok();
    }
    if (*row && checkpoint->ColumnInt64(0) != 0) {
      return Status::Unavailable("another process is reading " + db_path +
                                 "; stop it (and the server) first");
    }
  }
  // The last connection to close removes the -wal: one still there means
  // another process has the database open, and would go on using the old
  // file after the swap.
  if (FileExists(db_path + "-wal")) {
    return Status::Unavailable("another process has " + db_path +
                               " open; stop it (and the server) first");
  }
  return Status::Ok();
}

}  // namespace

Result<BackupSummary> RestoreSqliteDatabase(const std::string& backup_path,
                                            const std::string& db_path) {
  if (!FileExists(backup_path)) return Status::NotFound("there is no backup file " + backup_path);
  Result<SqliteHandle> backup = OpenDatabaseFile(backup_path, FileAccess::kReadOnly);
  if (!backup) return backup.error();
  Result<BackupSummary> summary = CheckBackup(backup->get(), backup_path);
  if (!summary) return summary.error();

  const size_t slash = db_path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : db_path.substr(0, slash));
  if (!FileExists(directory)) {
    return Status::NotFound("there is no directory " + directory + " for " + db_path);
  }
  Result<std::unique_ptr<IngestLog>> lock =
      IngestLog::Open(db_path, SyncMode::kFull, std::chrono::milliseconds(0));
  if (!lock) {
    return Status::Unavailable("cannot restore " + db_path + " while a server uses it (" +
                               lock.error().detail() + "): stop the server first");
  }

  const std::string temp = TempPathBeside(db_path);
  Status copied = CopyDatabase(backup->get(), temp);
  if (copied.ok()) copied = SyncFile(temp);
  if (copied.ok()) copied = CheckpointCurrent(db_path);
  if (!copied.ok()) {
    RemoveDatabaseFiles(temp);
    return copied;
  }
  backup->reset();  // closed before the swap

  // From here on the old database is being replaced.
  Result<std::vector<uint64_t>> segments = IngestLog::ListSegments(db_path);
  if (!segments) {
    RemoveDatabaseFiles(temp);
    return segments.error();
  }
  for (uint64_t number : *segments) ::unlink(IngestLog::SegmentPathOf(db_path, number).c_str());
  ::unlink((db_path + "-wal").c_str());
  ::unlink((db_path + "-shm").c_str());
  ::unlink((db_path + "-journal").c_str());
  Status installed = InstallFile(temp, db_path, /*replace=*/true);
  if (!installed.ok()) {
    RemoveDatabaseFiles(temp);
    return installed;
  }
  Result<int64_t> bytes = FileSize(db_path);
  if (!bytes) return bytes.error();
  summary->bytes = *bytes;
  return summary;
}

}  // namespace dc::sqlite
