#pragma once

#include <memory>
#include <optional>
#include <string>

#include "support/postgres_test_db.h"
#include "support/temp_dir.h"

namespace dc::testing {

// Whether the servers of this test process run on PostgreSQL rather than
// on a SQLite file: DATACOOEE_TEST_PG_BACKEND is set ("postgres" or
// "citus"), as ctest sets it for the integration and crash tests
// registered again with the prefix "pg." or "citus." (tests/CMakeLists.txt).
bool ServersOnPostgres();

// Why a test that needs its database cannot have it: "" when it can. A
// test skips on a non-empty answer unless PostgresRequired(), when it fails.
std::string MissingTestDatabase();

// The database a test starts its servers on: a SQLite file in `dir`, or,
// when ServersOnPostgres(), a schema of its own on the test server
// (PostgresTestSchema), dropped with this object.
class TestDatabase {
 public:
  explicit TestDatabase(const TempDir& dir, const std::string& file_name = "datacooee.db");

  // What `--db` takes.
  const std::string& url() const { return url_; }
  bool is_sqlite() const { return schema_ == nullptr; }

 private:
  std::unique_ptr<PostgresTestSchema> schema_;
  std::string url_;
};

}  // namespace dc::testing

// In a fixture's SetUp or a test: skips (or, under PostgresRequired(),
// fails) when ServersOnPostgres() but no server is set.
#define DC_TEST_DATABASE_OR_SKIP()                                                          \
  if (const std::string missing = ::dc::testing::MissingTestDatabase(); !missing.empty()) { \
    if (::dc::testing::PostgresRequired()) FAIL() << missing;                               \
    GTEST_SKIP() << missing;                                                                \
  }
