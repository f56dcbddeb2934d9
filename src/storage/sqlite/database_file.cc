#include "storage/sqlite/database_file.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "storage/sqlite/file_util.h"
#include "storage/sqlite/ingest_log.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_status.h"

namespace dc::sqlite {
namespace {

// fsync of whatever `path` names, opened with `flags`.
Status SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + ErrorText(errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return Status::Unavailable("cannot sync " + path + ": " + ErrorText(error));
  return Status::Ok();
}

}  // namespace

void SqliteCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<SqliteHandle> OpenDatabaseFile(const std::string& path, FileAccess access,
                                      int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  switch (access) {
    case FileAccess::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case FileAccess::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case FileAccess::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);  // a failed open may still allocate a handle
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "opening '" + path + "'");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

Status CopyDatabase(sqlite3* source, const std::string& dest_path) {
  Result<SqliteHandle> dest = OpenDatabaseFile(dest_path, FileAccess::kCreate);
  if (!dest) return dest.error();
  sqlite3_backup* backup = sqlite3_backup_init(dest->get(), "main", source, "main");
  if (backup == nullptr) {
    return SqliteStatus(sqlite3_errcode(dest->get()), dest->get(), "starting the copy");
  }
  // One step of every page: the copy is made in one read transaction of the
  // source, so it is one commit's state, however long it takes.
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) {
    return SqliteStatus(step, dest->get(), "copying the database to '" + dest_path + "'");
  }
  if (finish != SQLITE_OK) {
    return SqliteStatus(finish, dest->get(), "finishing the copy to '" + dest_path + "'");
  }
  return Status::Ok();
}

Status CheckIntegrity(sqlite3* db, const std::string& path) {
  Result<Statement> check = Statement::Prepare(db, "PRAGMA integrity_check(10)");
  if (!check) return check.error();
  std::string problems;
  while (true) {
    Result<bool> row = check->Step("checking the integrity of '" + path + "'");
    if (!row) return row.error();
    if (!*row) break;
    const std::string line = check->ColumnText(0);
    if (line == "ok") return Status::Ok();
    problems += (problems.empty() ? "" : "; ") + line;
  }
  return Status::InvalidArgument("'" + path + "' fails SQLite's integrity check: " + problems);
}

Result<int64_t> CountStoredReadings(sqlite3* db) {
  Result<Statement> count =
      Statement::Prepare(db, "SELECT coalesce(sum(count), 0) FROM reading_blocks");
  if (!count) return count.error();
  Result<bool> row = count->Step("counting readings");
  if (!row) return row.error();
  return *row ? count->ColumnInt64(0) : 0;
}

Status SyncFile(const std::string& path) { return SyncPath(path, O_RDONLY); }

Status SyncDirectoryOf(const std::string& path) {
  return SyncPath(DirectoryOf(path), O_RDONLY | O_DIRECTORY);
}

Status InstallFile(const std::string& from, const std::string& to, bool replace) {
  const int rc = replace
                     ? ::rename(from.c_str(), to.c_str())
                     : ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (rc != 0) {
    const int error = errno;
    if (error == EEXIST) return Status::Conflict("'" + to + "' exists; refusing to overwrite it");
    return Status::Unavailable("cannot rename " + from + " to " + to + ": " + ErrorText(error));
  }
  return SyncDirectoryOf(to);
}

std::string TempPathBeside(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

void RemoveDatabaseFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal", "-ingest.lock"}) {
    ::unlink((path + suffix).c_str());
  }
  Result<std::vector<uint64_t>> segments = IngestLog::ListSegments(path);
  if (!segments) return;
  for (uint64_t number : *segments) ::unlink(IngestLog::SegmentPathOf(path, number).c_str());
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Result<int64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Unavailable("cannot stat " + path + ": " + ErrorText(errno));
  }
  return static_cast<int64_t>(st.st_size);
}

}  // namespace dc::sqlite
