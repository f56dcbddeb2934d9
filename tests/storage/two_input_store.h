#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/org_with_two_inputs.h"
#include "storage/sqlite/sqlite_store.h"

namespace dc::testing {

// Opens the SQLite store at `path` holding organisation "o" with the inputs
// sen1 and sen2, whose pks go to `pks`, the set-up the hour_stats tests
// share, with the SQLite `tuning` given. Fails the test (check HasFatalFailure()) if anything
// fails.
inline void OpenStoreWithTwoInputs(const std::string& path, const StoreOptions& options,
                                   std::unique_ptr<sqlite::SqliteStore>* store,
                                   std::vector<int64_t>* pks,
                                   const sqlite::SqliteOptions& tuning = {}) {
  Result<std::unique_ptr<sqlite::SqliteStore>> opened =
      sqlite::SqliteStore::Open(path, options, tuning);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  *store = std::move(*opened);
  AddOrgWithTwoInputs(**store, pks);
}

// `count` readings for `input_pk` at whole seconds first_second,
// first_second+1, ..., valued value, value+1, ..., without optional fields.
inline IngestBatch ConsecutiveReadings(int64_t input_pk, int64_t first_second, int count,
                                       double value) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < count; ++i) {
    batch.readings.push_back(Reading{.timestamp = Timestamp{(first_second + i) * 1'000'000},
                                     .value = value + i,
                                     .latitude = std::nullopt,
                                     .longitude = std::nullopt,
                                     .x_axis_value = "",
                                     .metadata = ""});
  }
  return batch;
}

}  // namespace dc::testing
