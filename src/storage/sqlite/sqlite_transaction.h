#pragma once

#include "common/result.h"

struct sqlite3;

namespace dc::sqlite {

enum class TransactionKind {
  // BEGIN DEFERRED: a consistent snapshot for several reads.
  kRead,
  // BEGIN IMMEDIATE: takes the write lock up front, so a transaction that
  // reads then writes never fails half-way with SQLITE_BUSY (a deferred one
  // cannot upgrade its snapshot once another connection has written).
  kWrite,
};

// Transaction is a scope on one connection: rolled back on destruction
// unless Commit() succeeded, so every early return undoes what was done.
//
// Thread-compatible: lives on the stack of a thread that holds the
// connection's mutex. Move-only; does not own the connection.
//
// Errors: as SqliteStatus(); BEGIN IMMEDIATE waits up to the busy timeout for
// another process's write lock, then returns Unavailable.
class [[nodiscard]] Transaction {
 public:
  static Result<Transaction> Begin(sqlite3* db, TransactionKind kind);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() { Rollback(); }

  // Commits. On failure the transaction is rolled back (by the destructor,
  // or already by SQLite itself) and nothing of it is stored.
  Status Commit();
  // Undoes everything now; a no-op once committed or rolled back.
  void Rollback();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}

  sqlite3* db_ = nullptr;  // null once finished
};

}  // namespace dc::sqlite
