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

PostgresTestSchema::PostgresTestSchema(const std::string& server_url) : server_url_(server_url) {
  static std::atomic<int> counter{0};
  name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  RunOrThrow(server_url_, MigrationLock() + "; DROP SCHEMA IF EXISTS " + name_ +
                              " CASCADE; CREATE SCHEMA " + name_);
  url_ = server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + name_;
  // A distributed table makes one shard per shard count on the workers, and
  // so does each monthly partition: the default 32 would cost a test seconds
  // for what 4 shards across 2 workers show as well.
  if (PostgresTestBackend() == "citus") url_ += "%20-ccitus.shard_count%3D4";
}

PostgresTestSchema::~PostgresTestSchema() {
  try {
    RunOrThrow(server_url_, MigrationLock() + "; DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  } catch (const std::exception&) {
    // The server may be gone at the end of a failed test; nothing to do.
  }
}

}  // namespace dc::testing
