#pragma once

#include <optional>
#include <string>

namespace dc::testing {

// The PostgreSQL server this test run talks to, from the environment that
// scripts/test sets after starting the servers (scripts/db-cluster):
// DATACOOEE_TEST_POSTGRES_URL, or DATACOOEE_TEST_CITUS_URL when the run is
// for Citus (DATACOOEE_TEST_PG_BACKEND=citus, set by ctest for the tests
// registered a second time with the prefix "citus."). nullopt when unset.
std::optional<std::string> PostgresTestServerUrl();
// Whether a missing server fails the test rather than skipping it:
// DATACOOEE_REQUIRE_POSTGRES lists the backends that must be there
// ("postgres,citus"); scripts/test sets it to those it started, so that CI
// never passes by skipping.
bool PostgresRequired();
// "postgres" or "citus": which server PostgresTestServerUrl() names.
std::string PostgresTestBackend();

// A schema of its own on the test server, for one test: Url() reaches the
// same database with that schema first on the search path, so a store
// opened on it creates its tables there and sees no other test's.
//
// kDropped: a new, empty schema, dropped with everything in it on
// destruction. kRecycled, for tests that only need an empty database of
// the current schema (the integration and crash suites): a schema a
// finished test left, emptied (its rows, sequences and catalog version as
// after the migrations), or a new one; on destruction it is emptied and
// left for the next test, or dropped when that fails. Making and dropping
// a migrated schema costs about a second on Citus (shards on every
// worker), emptying one a tenth of that.
class PostgresTestSchema {
 public:
  enum class Lifetime { kDropped, kRecycled };
  explicit PostgresTestSchema(const std::string& server_url,
                              Lifetime lifetime = Lifetime::kDropped);
  ~PostgresTestSchema();
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  const std::string& Url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_url_;
  Lifetime lifetime_;
  std::string name_;
  std::string url_;
};

}  // namespace dc::testing

// Skips (or, under PostgresRequired(), fails) the test when no server is
// set; else declares `const std::string server_url`.
#define DC_POSTGRES_SERVER_OR_SKIP(server_url)                                                  \
  const std::optional<std::string> server_url##_found = ::dc::testing::PostgresTestServerUrl(); \
  if (!server_url##_found) {                                                                    \
    if (::dc::testing::PostgresRequired()) FAIL() << "no PostgreSQL test server is set";        \
    GTEST_SKIP() << "no PostgreSQL test server (scripts/test starts one)";                      \
  }                                                                                             \
  const std::string server_url = *server_url##_found
