#include "support/file_readings.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "storage/sqlite/reading_block.h"

namespace dc::testing {

std::vector<FileReading> ReadFileReadings(sqlite3* db, std::optional<int64_t> input_pk) {
  std::vector<FileReading> readings;
  const std::string sql = std::string("SELECT input_pk, data FROM reading_blocks") +
                          (input_pk ? " WHERE input_pk = ?1" : "") + " ORDER BY input_pk, first_ts";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot prepare " << sql << ": " << sqlite3_errmsg(db);
    return readings;
  }
  if (input_pk) sqlite3_bind_int64(stmt, 1, *input_pk);
  std::vector<dc::StoredReading> block;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int64_t pk = sqlite3_column_int64(stmt, 0);
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, 1));
    const std::string_view data(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt, 1)));
    if (!DecodeBlock(data, block)) {
      ADD_FAILURE() << "a block of input pk " << pk << " does not decode";
      break;
    }
    for (dc::StoredReading& stored : block) {
      readings.push_back(FileReading{.input_pk = pk, .stored = std::move(stored)});
    }
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    ADD_FAILURE() << "reading blocks: " << sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  return readings;
}

}  // namespace dc::testing
