#pragma once

#include <vector>

#include "common/result.h"
#include "storage/core/stats_source.h"
#include "storage/store.h"

namespace dc::storage {

// How every backend answers Store::Statistics, from what its StatsSource
// reads. The whole hours of a window come from the per-hour aggregates,
// only the partial hours at the window's edges from raw readings
// (SplitWindow), so a window of months reads a few thousand rows instead
// of millions. Buckets of an interval that is a whole number of hours are
// built the same way; other intervals aggregate the raw readings of the
// window in one ordered scan, stopping as soon as max_buckets buckets are
// complete.
//
// An hour aggregate keeps its sum as a double, though the sum of its
// readings may lie beyond the double range (Aggregate keeps sums in a long
// double): a stored sum that is not finite is never used, the hour is
// aggregated from its readings instead (exact, but at the cost of reading
// them). No ordinary data gets there.
//
// Thread-compatible; the answer is the caller's.

// InvalidArgument for a non-positive interval or a negative max_buckets;
// checked before the backend reads anything.
Status CheckStatsScan(const StatsScan& scan);

// The buckets of `scan` (which CheckStatsScan accepted), as Store::Statistics
// documents them. Returns the source's first failure.
Result<std::vector<StatsBucket>> ComputeStatistics(StatsSource& source, const StatsScan& scan);

}  // namespace dc::storage
