#pragma once

#include <cstdint>
#include <functional>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "domain/timestamp.h"
#include "storage/core/window_split.h"

namespace dc::storage {

// StatsSource is what a backend reads for Statistics (statistics.h): the
// raw readings of one input and its per-hour aggregates. Every call of one
// ComputeStatistics runs against one snapshot, which the backend holds
// (a read transaction) around it.
//
// Thread-compatible: one source serves one Statistics call. Each method
// returns the backend's failure, which ends the computation.
class StatsSource {
 public:
  virtual ~StatsSource() = default;

  // The aggregate of the readings of `input_pk` in `range`.
  virtual Result<Aggregate> RawAggregate(int64_t input_pk, const MicrosRange& range) = 0;
  // Calls `row(hour, aggregate)` for each stored hour aggregate of
  // `input_pk` in `hours`, ascending, until it returns false. The
  // aggregate's sum is as stored: it may be non-finite (see statistics.h).
  virtual Status ForEachHourRow(int64_t input_pk, const HourRange& hours,
                                const std::function<bool(int64_t, const Aggregate&)>& row) = 0;
  // Calls `reading(ts, value)` for each reading of `input_pk` in `range`, in
  // timestamp order, until it returns false.
  virtual Status ForEachReading(int64_t input_pk, const MicrosRange& range,
                                const std::function<bool(Timestamp, double)>& reading) = 0;
};

}  // namespace dc::storage
