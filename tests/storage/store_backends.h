#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "storage/store_factory.h"
#include "support/postgres_test_db.h"
#include "support/temp_dir.h"

namespace dc::testing {

// A backend for the typed contract tests: each instance is one empty
// database, private to one test, that Open() may open any number of times
// (to check what survives a reopen). Missing() says why this run cannot
// test it (nullopt: it can); Required() whether that is a failure.
class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";

  std::optional<std::string> Missing() const { return std::nullopt; }
  bool Required() const { return true; }

  Result<std::unique_ptr<Store>> Open(const StoreOptions& options) const {
    return OpenStore(Url(), options);
  }
  std::string Url() const { return "sqlite:" + dir_.File("datacooee.db"); }

 private:
  TempDir dir_;
};

// PostgreSQL, or Citus in the "citus." rerun (support/postgres_test_db.h):
// a schema of its own per test, opened by URL as the server opens it.
class PostgresBackend {
 public:
  static constexpr const char* kName = "Postgres";

  PostgresBackend() {
    if (const std::optional<std::string> server = PostgresTestServerUrl()) schema_.emplace(*server);
  }
  std::optional<std::string> Missing() const {
    if (schema_) return std::nullopt;
    return "no PostgreSQL test server (scripts/test starts one)";
  }
  bool Required() const { return PostgresRequired(); }

  Result<std::unique_ptr<Store>> Open(const StoreOptions& options) const {
    return OpenStore(Url(), options);
  }
  std::string Url() const { return schema_ ? schema_->Url() : ""; }

 private:
  std::optional<PostgresTestSchema> schema_;
};

}  // namespace dc::testing
