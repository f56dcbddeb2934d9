#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/sqlite/sqlite_status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dc::sqlite {

// Statement owns one prepared SQLite statement (sqlite3_stmt) and finalizes
// it on destruction. Bind* take 1-based parameter indexes, Column* 0-based
// column indexes, as SQLite does.
//
// Binding never fails loudly: the first bind error is remembered and returned
// by the next Step()/Run(), so a run of binds needs no checks in between.
// Text and blobs are bound without copying (SQLITE_STATIC): what they point at
// must stay alive until the statement is stepped and reset.
//
// Thread-compatible: used under the mutex of the connection it belongs to.
// Move-only. Must be destroyed before its connection is closed (declare it
// after the Connection member).
class Statement {
 public:
  Statement() = default;
  // Compiles `sql` (one statement) on `db`. `persistent` tells SQLite that
  // the statement is kept and reused for the life of the connection.
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql, bool persistent = false);

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindOptionalDouble(int index, const std::optional<double>& value);
  // Binds text, stored as text even when empty.
  void BindText(int index, std::string_view text);
  // Binds text, or NULL when `text` is empty.
  void BindTextOrNull(int index, std::string_view text);
  // Binds raw bytes, stored as a blob even when empty.
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);

  // Runs one step. Returns true when a row is ready to be read with Column*,
  // false when the statement is done. On failure the error is mapped by
  // SqliteStatus() with `what` as context.
  Result<bool> Step(std::string_view what, ConstraintMeans constraint = ConstraintMeans::kInternal);
  // Steps until done, ignoring any rows.
  Status Run(std::string_view what, ConstraintMeans constraint = ConstraintMeans::kInternal);

  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::optional<double> ColumnOptionalDouble(int column) const;
  // NULL reads as empty.
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  // The blob's bytes without a copy: valid until the next Step, Rewind or
  // Reset.
  std::string_view ColumnBlobView(int column) const;

  // Makes the statement ready to run again: ends its read of the database (a
  // SELECT left mid-way would keep its snapshot, and its connection's read
  // transaction, open) and drops bound pointers.
  void Reset();
  // Reset() for a statement that is about to be bound and run again at
  // once: keeps the bindings (every one is rebound), which saves clearing
  // them on each row of a hot loop.
  void Rewind();

  sqlite3_stmt* get() const { return stmt_; }

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  void NoteBind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = 0;  // first failed bind since the last Reset; 0 = SQLITE_OK
};

// Resets a (usually cached) statement when the scope ends, on every path.
class [[nodiscard]] StatementResetter {
 public:
  explicit StatementResetter(Statement& statement) : statement_(statement) {}
  StatementResetter(const StatementResetter&) = delete;
  StatementResetter& operator=(const StatementResetter&) = delete;
  ~StatementResetter() { statement_.Reset(); }

 private:
  Statement& statement_;
};

}  // namespace dc::sqlite
