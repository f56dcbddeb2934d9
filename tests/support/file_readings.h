#pragma once

// The readings a datacooee SQLite file holds, decoded from its blocks, for
// tests that check the file itself rather than what the server answers.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/store.h"

namespace dc::testing {

struct FileReading {
  int64_t input_pk = 0;
  dc::StoredReading stored;
};

// Every reading in `db` (of `input_pk` only, when given), in (input_pk,
// timestamp) order. A query error or a damaged block fails the test.
std::vector<FileReading> ReadFileReadings(sqlite3* db,
                                          std::optional<int64_t> input_pk = std::nullopt);

// Whether every block of `db` is as the store promises: the row's count,
// first_ts and last_ts are its readings', at most kBlockReadings of them,
// and the blocks of an input do not overlap.
::testing::AssertionResult BlocksWellFormed(sqlite3* db);

}  // namespace dc::testing
