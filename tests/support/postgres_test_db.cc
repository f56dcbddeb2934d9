#include "support/postgres_test_db.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_schema.h"

namespace dc::testing {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

void RunOrThrow(const std::string& url, const std::string& sql) {
  auto connection = postgres::PgConnection::Open(url);
  if (!connection) throw std::runtime_error(connection.error().ToString());
  if (Status done = connection->Exec(sql, sql); !done.ok()) {
    throw std::runtime_error(done.ToString());
  }
}

// Schema changes take the migrations' lock (released with the connection):
// on Citus, dropping distributed tables while another test's store creates
// its own can deadlock across nodes.
std::string MigrationLock() {
  return std::string("SELECT pg_advisory_lock(") + postgres::kMigrationLock + ")";
}

// The recycled schemas no test holds, one row each, in the database's
// public schema. Claimed and returned under the migrations' lock.
constexpr const char* kPoolTable = "public.datacooee_test_schema_pool";

// A recycled schema to use, "" when none is free.
std::string ClaimRecycledSchema(const std::string& url) {
  auto connection = postgres::PgConnection::Open(url);
  if (!connection) throw std::runtime_error(connection.error().ToString());
  const std::string setup =
      MigrationLock() + "; CREATE TABLE IF NOT EXISTS " + kPoolTable + "(name text PRIMARY KEY)";
  if (Status done = connection->Exec(setup, "the schema pool"); !done.ok()) {
    throw std::runtime_error(done.ToString());
  }
  const std::string claim = std::string("DELETE FROM ") + kPoolTable +
                            " WHERE name = (SELECT name FROM " + kPoolTable +
                            " LIMIT 1) RETURNING name";
  Result<postgres::PgResult> claimed = connection->Query(claim.c_str(), {}, "a recycled schema");
  if (!claimed) throw std::runtime_error(claimed.error().ToString());
  if (PQntuples(claimed->get()) == 0) return "";
  return PQgetvalue(claimed->get(), 0, 0);
}

// Empties schema `name` to what the migrations leave and returns it to the
// pool, in one transaction; fails (changing nothing) for a schema that is
// not migrated or that a test left otherwise changed.
void RecycleSchema(const std::string& url, const std::string& name) {
  const std::string s = name + ".";
  RunOrThrow(url, MigrationLock() + "; BEGIN; TRUNCATE " + s + "asset_inputs, " + s + "assets, " +
                      s + "inputs, " + s + "orgs, " + s + "readings, " + s +
                      "hour_stats; ALTER SEQUENCE " + s + "input_pks RESTART; ALTER SEQUENCE " + s +
                      "reading_ids RESTART; UPDATE " + s +
                      "meta SET value = 1 WHERE key = 'catalog_version'; INSERT INTO " +
                      kPoolTable + " VALUES ('" + name + "'); COMMIT");
}

}  // namespace

std::string PostgresTestBackend() {
  return Env("DATACOOEE_TEST_PG_BACKEND") == "citus" ? "citus" : "postgres";
}

std::optional<std::string> PostgresTestServerUrl() {
  const std::string url = Env(PostgresTestBackend() == "citus" ? "DATACOOEE_TEST_CITUS_URL"
                                                               : "DATACOOEE_TEST_POSTGRES_URL");
  if (url.empty()) return std::nullopt;
  return url;
}

bool PostgresRequired() {
  const std::string required = "," + Env("DATACOOEE_REQUIRE_POSTGRES") + ",";
  return required.find("," + PostgresTestBackend() + ",") != std::string::npos;
}

PostgresTestSchema::PostgresTestSchema(const std::string& server_url, Lifetime lifetime)
    : server_url_(server_url), lifetime_(lifetime) {
  if (lifetime_ == Lifetime::kRecycled) name_ = ClaimRecycledSchema(server_url_);
  if (name_.empty()) {
    static std::atomic<int> counter{0};
    name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    RunOrThrow(server_url_, MigrationLock() + "; DROP SCHEMA IF EXISTS " + name_ +
                                " CASCADE; CREATE SCHEMA " + name_);
  }
  url_ = server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + name_;
  // A distributed table makes one shard per shard count on the workers, and
  // so does each monthly partition: the default 32 would cost a test seconds
  // for what 4 shards across 2 workers show as well.
  if (PostgresTestBackend() == "citus") url_ += "%20-ccitus.shard_count%3D4";
}

PostgresTestSchema::~PostgresTestSchema() {
  if (lifetime_ == Lifetime::kRecycled) {
    try {
      RecycleSchema(server_url_, name_);
      return;
    } catch (const std::exception&) {
      // Not migrated, or changed: dropped below instead.
    }
  }
  try {
    RunOrThrow(server_url_, MigrationLock() + "; DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  } catch (const std::exception&) {
    // The server may be gone at the end of a failed test; nothing to do.
  }
}

}  // namespace dc::testing
