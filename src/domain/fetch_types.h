#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/timestamp.h"

namespace dc {

// A time window; both ends inclusive, an absent end is unbounded.
struct TimeWindow {
  std::optional<Timestamp> start;
  std::optional<Timestamp> finish;
};

enum class OrderBy { kTimestamp, kValue };
enum class SortDirection { kAsc, kDesc };

// Statistics functions: min, max, avg and the extensions of docs/api.md "Fetch".
enum class AggregateFunc { kMin, kMax, kAvg, kSum, kCount, kFirst, kLast };

// The name used in `aggregation_func` and as the response key.
std::string_view AggregateFuncName(AggregateFunc func);

// Count, sum, extremes and the first and last reading of a set of readings
// (an hour, a bucket, a window). `count == 0` means empty; the other fields
// are then meaningless.
struct Aggregate {
  int64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  Timestamp first_ts;
  double first = 0;
  Timestamp last_ts;
  double last = 0;

  // Adds one reading.
  void Add(Timestamp ts, double value);
  // Adds another aggregate of disjoint readings.
  void Merge(const Aggregate& other);
};

}  // namespace dc
