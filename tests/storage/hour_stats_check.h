#pragma once

// Checks of the SQLite backend's hour_stats table against its readings,
// read through a separate connection (what is committed in the file). The
// expected rows are computed here from the decoded blocks, with none of the
// store's code but the block decoder.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "storage/reading_model.h"
#include "support/file_readings.h"

namespace dc::testing {

using HourKey = std::pair<int64_t, int64_t>;  // input_pk, hour

// Every hour_stats row.
inline std::map<HourKey, Aggregate> HourStatsRows(sqlite3* db) {
  std::map<HourKey, Aggregate> rows;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT input_pk, hour, count, sum, min, max, first_ts, "
                               "first_value, last_ts, last_value FROM hour_stats",
                               -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    Aggregate a;
    a.count = sqlite3_column_int64(stmt, 2);
    a.sum = sqlite3_column_double(stmt, 3);
    a.min = sqlite3_column_double(stmt, 4);
    a.max = sqlite3_column_double(stmt, 5);
    a.first_ts = Timestamp{sqlite3_column_int64(stmt, 6)};
    a.first = sqlite3_column_double(stmt, 7);
    a.last_ts = Timestamp{sqlite3_column_int64(stmt, 8)};
    a.last = sqlite3_column_double(stmt, 9);
    rows[{sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1)}] = a;
  }
  sqlite3_finalize(stmt);
  return rows;
}

// The stored readings, one model per input.
inline std::map<int64_t, ReadingModel> ReadingsTable(sqlite3* db) {
  std::map<int64_t, ReadingModel> models;
  for (const FileReading& file : ReadFileReadings(db)) {
    models[file.input_pk].Put(file.stored.reading.timestamp.micros, file.stored.reading.value);
  }
  return models;
}

// The hour of `ts`: floor(ts / 1 hour).
inline int64_t ModelHour(int64_t ts) {
  constexpr int64_t kHour = 3'600'000'000;
  return ts / kHour - (ts % kHour < 0 ? 1 : 0);
}

// Per (input, hour) aggregates of the readings in `models`.
inline std::map<HourKey, ModelAggregate> ExpectedHourStats(
    const std::map<int64_t, ReadingModel>& models) {
  std::map<HourKey, ModelAggregate> expected;
  for (const auto& [input_pk, model] : models) {
    for (const auto& [ts, value] : model.readings()) {  // in timestamp order
      AddTo(expected[{input_pk, ModelHour(ts)}], ts, value);
    }
  }
  return expected;
}

// Whether hour_stats holds exactly the aggregates of `models`.
inline ::testing::AssertionResult HourStatsMatch(sqlite3* db,
                                                 const std::map<int64_t, ReadingModel>& models) {
  const std::map<HourKey, Aggregate> rows = HourStatsRows(db);
  const std::map<HourKey, ModelAggregate> expected = ExpectedHourStats(models);
  for (const auto& [key, aggregate] : expected) {
    auto row = rows.find(key);
    if (row == rows.end()) {
      return ::testing::AssertionFailure()
             << "no hour_stats row for input " << key.first << " hour " << key.second;
    }
    // +-Inf marks a sum that left the double range on its way
    // (hour_stats.h); some order of adding can do that only when the
    // magnitudes can.
    Aggregate stored = row->second;
    if (std::isinf(stored.sum) && aggregate.magnitude > std::numeric_limits<double>::max()) {
      stored.sum = aggregate.aggregate.sum;
    }
    ::testing::AssertionResult same = SameAggregate(stored, aggregate);
    if (!same) {
      return ::testing::AssertionFailure()
             << "input " << key.first << " hour " << key.second << ": " << same.message();
    }
  }
  for (const auto& [key, aggregate] : rows) {
    if (expected.count(key) == 0) {
      return ::testing::AssertionFailure() << "hour_stats row for input " << key.first << " hour "
                                           << key.second << " has no readings";
    }
  }
  return ::testing::AssertionSuccess();
}

// Whether hour_stats agrees with the stored readings of the same file.
inline ::testing::AssertionResult HourStatsMatchReadings(sqlite3* db) {
  // One snapshot for both tables.
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  ::testing::AssertionResult match = HourStatsMatch(db, ReadingsTable(db));
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return match;
}

}  // namespace dc::testing
