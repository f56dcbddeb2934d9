#include "storage/sqlite/sqlite_statement.h"

#include <sqlite3.h>

#include <climits>
#include <string>
#include <utility>

namespace dc::sqlite {
namespace {

// SQLite treats a null pointer as NULL; an empty std::string_view may carry
// one, and an empty string must stay an empty string.
const char* NonNull(std::string_view text) { return text.data() != nullptr ? text.data() : ""; }

}  // namespace

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql, bool persistent) {
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return Status::Internal("SQL statement too long to prepare");
  }
  sqlite3_stmt* stmt = nullptr;
  const unsigned int flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc =
      sqlite3_prepare_v3(db, NonNull(sql), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    std::string what = "preparing '";
    what += sql.substr(0, 60);
    what += sql.size() > 60 ? "...'" : "'";
    return SqliteStatus(rc, db, what);
  }
  if (stmt == nullptr) return Status::Internal("prepared an empty SQL statement");
  return Statement(stmt);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(std::exchange(other.bind_rc_, 0)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_rc_ = std::exchange(other.bind_rc_, 0);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindInt64(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value));
}

void Statement::BindOptionalDouble(int index, const std::optional<double>& value) {
  if (value.has_value()) {
    BindDouble(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindText(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void Statement::BindTextOrNull(int index, std::string_view text) {
  if (text.empty()) {
    BindNull(index);
  } else {
    BindText(index, text);
  }
}

void Statement::BindBlob(int index, std::string_view bytes) {
  if (bytes.empty()) {
    // A null pointer would bind NULL; a zero-length blob is what was meant.
    NoteBind(sqlite3_bind_zeroblob(stmt_, index, 0));
  } else {
    NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC));
  }
}

void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

Result<bool> Statement::Step(std::string_view what, ConstraintMeans constraint) {
  if (bind_rc_ != SQLITE_OK) {
    return SqliteStatus(bind_rc_, sqlite3_db_handle(stmt_), what, constraint);
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, sqlite3_db_handle(stmt_), what, constraint);
}

Status Statement::Run(std::string_view what, ConstraintMeans constraint) {
  while (true) {
    Result<bool> row = Step(what, constraint);
    if (!row) return row.error();
    if (!*row) return Status::Ok();
  }
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::optional<double> Statement::ColumnOptionalDouble(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnDouble(column);
}

std::string Statement::ColumnText(int column) const {
  // The pointer must be fetched before the size: asking for the size first
  // may convert the value and move it.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::string Statement::ColumnBlob(int column) const { return std::string(ColumnBlobView(column)); }

std::string_view Statement::ColumnBlobView(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (bytes == nullptr) return {};  // NULL or a zero-length blob
  return std::string_view(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

void Statement::Rewind() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  bind_rc_ = SQLITE_OK;
}

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  // The result of sqlite3_reset repeats the last step's error, which was
  // already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

}  // namespace dc::sqlite
