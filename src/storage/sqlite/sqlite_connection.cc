#include "storage/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <string>
#include <utility>

namespace dc::sqlite {

Status ExecSql(sqlite3* db, const char* sql, std::string_view what, ConstraintMeans constraint) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db, what, constraint);
  return Status::Ok();
}

Result<Connection> Connection::Open(const std::string& path, const StoreOptions& options,
                                    ConnectionRole role) {
  // No SQLITE_OPEN_URI: the path is a file name, never a "file:" URI with
  // options smuggled in.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (role == ConnectionRole::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // Even a failed open may allocate a handle, which holds the error message
  // and must be closed; the Connection does both.
  Connection connection(db);
  if (rc != SQLITE_OK) {
    return SqliteStatus(rc, db, "opening the SQLite database '" + path + "'");
  }
  DC_RETURN_IF_ERROR(connection.Configure(options, role));
  return connection;
}

Status Connection::Configure(const StoreOptions& options, ConnectionRole role) {
  sqlite3_extended_result_codes(db_, 1);
  // Set first: switching the journal mode below may wait for other processes.
  sqlite3_busy_timeout(db_, options.busy_timeout_ms > 0 ? options.busy_timeout_ms : 0);

  // journal_mode answers with the mode in effect, which stays "delete" (or
  // "memory") when WAL is impossible; the crash-safety and reader/writer
  // concurrency the store promises rely on WAL, so anything else is refused.
  Result<Statement> journal = Prepare("PRAGMA journal_mode=WAL");
  if (!journal) return journal.error();
  Result<bool> row = journal->Step("enabling WAL journal mode");
  if (!row) return row.error();
  const std::string mode = *row ? journal->ColumnText(0) : std::string();
  if (mode != "wal") {
    return Status::Internal("could not enable WAL journal mode on '" +
                            std::string(sqlite3_db_filename(db_, "main")) + "' (got '" + mode +
                            "')");
  }
  journal->Reset();

  const char* sync =
      options.sync == SyncMode::kNormal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL";
  DC_RETURN_IF_ERROR(Exec(sync, "setting synchronous mode"));
  DC_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON", "enabling foreign keys"));
  if (role == ConnectionRole::kReader) {
    DC_RETURN_IF_ERROR(Exec("PRAGMA query_only=ON", "making the reader query-only"));
  }
  return Status::Ok();
}

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Status Connection::Exec(const char* sql, std::string_view what, ConstraintMeans constraint) {
  return ExecSql(db_, sql, what, constraint);
}

}  // namespace dc::sqlite
