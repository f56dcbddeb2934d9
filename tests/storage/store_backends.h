#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "storage/store_factory.h"
#include "support/temp_dir.h"

namespace dc::testing {

// A backend for the typed contract tests: each instance is one empty
// database, private to one test, that Open() may open any number of times
// (to check what survives a reopen). A PostgreSQL backend would create a
// fresh database (or schema) in its constructor and drop it in its
// destructor, and be added to StoreBackends in store_contract_test.cc.
class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";

  Result<std::unique_ptr<Store>> Open(const StoreOptions& options) const {
    return OpenStore(Url(), options);
  }
  std::string Url() const { return "sqlite:" + dir_.File("datacooee.db"); }

 private:
  TempDir dir_;
};

}  // namespace dc::testing
