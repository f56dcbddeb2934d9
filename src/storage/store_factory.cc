// OpenStore: picks the backend named by a database URL (docs/api.md, "Setting
// up"): `postgresql://`, `postgres://` or a libpq keyword string is
// PostgreSQL (or Citus); `sqlite:PATH` or a bare PATH is SQLite.
#include "storage/store_factory.h"

#include <cctype>
#include <string>

#include "storage/postgres/pg_store.h"
#include "storage/postgres/pg_url.h"
#include "storage/sqlite/database_file.h"
#include "storage/sqlite/sqlite_restore.h"
#include "storage/sqlite/sqlite_store.h"

namespace dc {
namespace {

// The scheme of `url` (RFC 3986: a letter, then letters, digits, '+', '-',
// '.', then ':'), lowercased; empty when `url` has none and is a path.
std::string SchemeOf(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme;
  for (size_t i = 0; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    const bool ok =
        std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};  // e.g. "./data:1.db" is a path
    scheme += static_cast<char>(std::tolower(c));
  }
  return scheme;
}

// postgresql://user:secret@host/db -> postgresql://user:***@host/db, and
// password=secret in a keyword string -> password=***.
std::string RedactPassword(std::string url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    const size_t authority = scheme_end + 3;
    const size_t at = url.find('@', authority);
    const size_t colon = url.find(':', authority);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t at = url.find("password="); at != std::string::npos;
       at = url.find("password=", at + 1)) {
    const size_t value = at + 9;
    const size_t end = url.find_first_of(" &", value);
    url.replace(value, (end == std::string::npos ? url.size() : end) - value, "***");
  }
  return url;
}

// The SQLite file `url` names, or why it names none this build can open.
Result<std::string> SqlitePathOf(std::string_view url) {
  const std::string scheme = SchemeOf(url);
  std::string path;
  if (scheme.empty()) {
    path = std::string(url);
  } else if (scheme == "sqlite") {
    path = std::string(url.substr(scheme.size() + 1));
  } else {
    return Status::InvalidArgument("unsupported database URL scheme '" + scheme +
                                   ":'; use sqlite:PATH or a file path");
  }
  if (path.empty()) {
    return Status::InvalidArgument(
        "the database URL names no file; use sqlite:PATH or a file path");
  }
  return path;
}

}  // namespace

std::string DescribeStoreUrl(std::string_view url) {
  if (postgres::IsPostgresUrl(url)) return postgres::DescribePostgresUrl(url);
  if (Result<std::string> path = SqlitePathOf(url)) return RedactPassword("sqlite " + *path);
  return RedactPassword(std::string(url));
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const StoreOptions& options,
                                         const BackendOptions& backend) {
  if (postgres::IsPostgresUrl(url)) {
    Result<std::unique_ptr<postgres::PgStore>> store =
        postgres::PgStore::Open(std::string(url), options, backend.postgres);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
  }
  Result<std::string> path = SqlitePathOf(url);
  if (!path) return path.error();
  Result<std::unique_ptr<sqlite::SqliteStore>> store =
      sqlite::SqliteStore::Open(*path, options, backend.sqlite);
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(*store));
}

Result<BackupSummary> BackupStore(std::string_view url, const std::string& path, bool overwrite,
                                  const StoreOptions& options, const BackendOptions& backend) {
  if (postgres::IsPostgresUrl(url)) return postgres::UseDatabaseTools();
  Result<std::string> db_path = SqlitePathOf(url);
  if (!db_path) return db_path.error();
  if (!sqlite::FileExists(*db_path)) return Status::NotFound("there is no database at " + *db_path);
  Result<std::unique_ptr<Store>> store = OpenStore(url, options, backend);
  if (!store) return store.error();
  return (*store)->BackupTo(path, overwrite);
}

Result<BackupSummary> RestoreStore(std::string_view url, const std::string& backup_path) {
  if (postgres::IsPostgresUrl(url)) return postgres::UseDatabaseTools();
  Result<std::string> db_path = SqlitePathOf(url);
  if (!db_path) return db_path.error();
  return sqlite::RestoreSqliteDatabase(backup_path, *db_path);
}

}  // namespace dc
