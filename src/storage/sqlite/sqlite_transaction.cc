#include "storage/sqlite/sqlite_transaction.h"

#include <sqlite3.h>

#include <utility>

#include "storage/sqlite/sqlite_connection.h"

namespace dc::sqlite {

Result<Transaction> Transaction::Begin(sqlite3* db, TransactionKind kind) {
  const bool write = kind == TransactionKind::kWrite;
  DC_RETURN_IF_ERROR(
      ExecSql(db, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED",
              write ? "starting a write transaction" : "starting a read transaction"));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Status Transaction::Commit() {
  if (db_ == nullptr) return Status::Internal("commit of a finished transaction");
  Status status = ExecSql(db_, "COMMIT", "committing");
  if (status.ok()) db_ = nullptr;
  return status;
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  // After SQLITE_FULL, SQLITE_IOERR and the like SQLite may have rolled back
  // already; a second ROLLBACK would only report an error.
  if (sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  db_ = nullptr;
}

}  // namespace dc::sqlite
