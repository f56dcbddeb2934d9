#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

namespace dc::testing {

// A plain sqlite3 connection to inspect or doctor a file behind the store's
// back, as another process would.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    rc_ = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }

  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3* get() const { return db_; }

  // Runs SQL; returns the first column of the first row as text ("" when
  // none), or "ERROR: ..." on failure.
  std::string Query(const std::string& sql) {
    std::string first;
    char* error = nullptr;
    auto take_first = [](void* out, int columns, char** values, char**) {
      auto* text = static_cast<std::string*>(out);
      if (text->empty() && columns > 0 && values[0] != nullptr) *text = values[0];
      return 0;
    };
    if (sqlite3_exec(db_, sql.c_str(), take_first, &first, &error) != SQLITE_OK) {
      std::string message = "ERROR: " + std::string(error != nullptr ? error : "?");
      sqlite3_free(error);
      return message;
    }
    return first;
  }

 private:
  sqlite3* db_ = nullptr;
  int rc_ = SQLITE_OK;
};

}  // namespace dc::testing
