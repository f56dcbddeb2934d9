#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/sqlite_status.h"
#include "storage/store_options.h"

struct sqlite3;

namespace dc::sqlite {

// What a connection is for. Both kinds use the same pragmas (SQLite applies
// journal and sync settings per connection); a reader is also query-only, so
// a bug that writes through it fails instead of bypassing the writer's
// transaction discipline.
enum class ConnectionRole {
  kWriter,  // creates the file if missing
  kReader,  // the file must exist
};

// Connection owns one sqlite3 handle, opened in multi-thread mode (no
// SQLite-internal mutex: the owner serialises access) with extended result
// codes, and configured as every datacooee connection must be: WAL journal,
// synchronous FULL (or NORMAL for SyncMode::kNormal), foreign keys on, and the
// busy timeout from StoreOptions.
//
// Thread-compatible: the owner guards it with one mutex. Move-only; closes the
// handle on destruction (statements still alive keep it as a zombie until
// they are finalized, but owners destroy their statements first).
//
// Errors: Open() returns Unavailable when the file cannot be opened or
// created (missing or read-only directory), Internal when it is not an SQLite
// database or WAL cannot be enabled.
class Connection {
 public:
  Connection() = default;
  static Result<Connection> Open(const std::string& path, const StoreOptions& options,
                                 ConnectionRole role);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* get() const { return db_; }

  // Runs SQL text without parameters or wanted results; may hold several
  // statements (migration scripts, pragmas, BEGIN/COMMIT).
  Status Exec(const char* sql, std::string_view what,
              ConstraintMeans constraint = ConstraintMeans::kInternal);

  Result<Statement> Prepare(std::string_view sql, bool persistent = false) const {
    return Statement::Prepare(db_, sql, persistent);
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  Status Configure(const StoreOptions& options, ConnectionRole role);

  sqlite3* db_ = nullptr;
};

// Same as Connection::Exec, for code that holds a raw handle (schema.h).
Status ExecSql(sqlite3* db, const char* sql, std::string_view what,
               ConstraintMeans constraint = ConstraintMeans::kInternal);

}  // namespace dc::sqlite
