#include "storage/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include <string>

namespace dc::sqlite {
namespace {

// A hint for the operator, who reads these details in logs and CLI errors.
std::string_view HintFor(int primary_code) {
  switch (primary_code) {
    case SQLITE_FULL:
      return "the disk (or the database's size limit) is full";
    case SQLITE_IOERR:
      return "the operating system reported an I/O error";
    case SQLITE_BUSY:
      return "another connection held the write lock for longer than the busy timeout";
    case SQLITE_CANTOPEN:
      return "the database file cannot be opened; check that its directory exists and is "
             "writable";
    case SQLITE_READONLY:
      return "the database file or its directory is read-only";
    default:
      return {};
  }
}

}  // namespace

Status SqliteStatus(int rc, sqlite3* db, std::string_view what, ConstraintMeans constraint) {
  const int primary = rc & 0xff;
  std::string detail(what);
  detail += ": ";
  // sqlite3_errmsg describes the most recent failure on `db`, which is the
  // one being reported as long as the caller maps it right away.
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  detail += " (SQLite code ";
  detail += std::to_string(rc);
  detail += ")";
  if (db != nullptr) {
    const char* file = sqlite3_db_filename(db, "main");
    if (file != nullptr && *file != '\0') {
      detail += " on '";
      detail += file;
      detail += "'";
    }
  }
  if (std::string_view hint = HintFor(primary); !hint.empty()) {
    detail += "; ";
    detail += hint;
  }

  switch (primary) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::Unavailable(std::move(detail));
    case SQLITE_CONSTRAINT:
      if (constraint == ConstraintMeans::kConflict) return Status::Conflict(std::move(detail));
      return Status::Internal(std::move(detail));
    default:
      return Status::Internal(std::move(detail));
  }
}

}  // namespace dc::sqlite
