#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crash/upload_ledger.h"
#include "support/http_client.h"

namespace dc::testing::crash {

// What a restarted server answers through the API for the inputs the
// crash test uploads to: the check that holds on every backend (on
// PostgreSQL there is no file to look into, and docs/api.md is the promise).
struct ApiState {
  StoredRows rows;    // every reading, ids unknown (0): the API does not show them
  std::string error;  // a failed or malformed answer, "" when none
  std::string
      statistics;  // "" when count, min, max and sum agree with `rows`, else the first mismatch
};

// Pages through every reading of each input with the raw fetch endpoint
// (ascending time, the window's start moved past the last reading of a
// page) and asks the statistics endpoint for the same inputs over all time,
// which answers whole hours from the hour aggregates.
ApiState ReadThroughApi(uint16_t port, const Headers& credentials,
                        const std::array<std::string, kInputs>& input_ids);

}  // namespace dc::testing::crash
