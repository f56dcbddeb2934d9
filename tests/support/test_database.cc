#include "support/test_database.h"

#include <cstdlib>

namespace dc::testing {

bool ServersOnPostgres() {
  const char* backend = std::getenv("DATACOOEE_TEST_PG_BACKEND");
  return backend != nullptr && *backend != '\0';
}

std::string MissingTestDatabase() {
  if (!ServersOnPostgres() || PostgresTestServerUrl()) return "";
  return "no " + PostgresTestBackend() + " test server is set (scripts/test starts one)";
}

TestDatabase::TestDatabase(const TempDir& dir, const std::string& file_name) {
  if (!ServersOnPostgres()) {
    url_ = dir.File(file_name);
    return;
  }
  const std::optional<std::string> server = PostgresTestServerUrl();
  if (!server) return;  // MissingTestDatabase() says why
  schema_ = std::make_unique<PostgresTestSchema>(*server, PostgresTestSchema::Lifetime::kRecycled);
  url_ = schema_->Url();
}

}  // namespace dc::testing
