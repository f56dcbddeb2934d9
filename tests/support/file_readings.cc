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
    if (!sqlite::DecodeBlock(data, block)) {
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

::testing::AssertionResult BlocksWellFormed(sqlite3* db) {
  const char* sql =
      "SELECT input_pk, first_ts, last_ts, count, data FROM reading_blocks "
      "ORDER BY input_pk, first_ts";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return ::testing::AssertionFailure() << "cannot prepare " << sql << ": " << sqlite3_errmsg(db);
  }
  ::testing::AssertionResult result = ::testing::AssertionSuccess();
  std::vector<dc::StoredReading> block;
  int64_t previous_input = 0;
  std::optional<int64_t> previous_last;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const int64_t input_pk = sqlite3_column_int64(stmt, 0);
    const int64_t first_ts = sqlite3_column_int64(stmt, 1);
    const int64_t last_ts = sqlite3_column_int64(stmt, 2);
    const int64_t count = sqlite3_column_int64(stmt, 3);
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, 4));
    const std::string_view data(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt, 4)));
    const std::string where =
        "block of input " + std::to_string(input_pk) + " at " + std::to_string(first_ts);
    if (!sqlite::DecodeBlock(data, block)) {
      result = ::testing::AssertionFailure() << where << " does not decode";
      break;
    }
    if (static_cast<int64_t>(block.size()) != count || block.size() > sqlite::kBlockReadings ||
        block.front().reading.timestamp.micros != first_ts ||
        block.back().reading.timestamp.micros != last_ts) {
      result = ::testing::AssertionFailure()
               << where << ": row says " << count << " readings to " << last_ts << ", holds "
               << block.size() << " from " << block.front().reading.timestamp.micros << " to "
               << block.back().reading.timestamp.micros;
      break;
    }
    if (input_pk == previous_input && previous_last && *previous_last >= first_ts) {
      result = ::testing::AssertionFailure()
               << where << " overlaps the block before it, which ends at " << *previous_last;
      break;
    }
    previous_input = input_pk;
    previous_last = last_ts;
  }
  sqlite3_finalize(stmt);
  return result;
}

}  // namespace dc::testing
