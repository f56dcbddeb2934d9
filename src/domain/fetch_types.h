#pragma once

#include <cstdint>
#include <limits>
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

// The sum of an Aggregate is a long double so that it cannot overflow:
// x86-64's 80-bit format (or IEEE quad elsewhere) has a wider exponent than
// a double, so no int64 count of finite doubles leaves its range, and more
// mantissa bits (64), so it keeps whatever a double sum keeps. A sum that
// passes beyond the double range on its way (1.7e308 + 1.7e308 - 1.7e308 -
// 1.7e308) comes back exactly. Where long double is just a double, the
// answers would overflow again: refused here rather than there.
static_assert(std::numeric_limits<long double>::max_exponent >=
                      std::numeric_limits<double>::max_exponent + 64 &&
                  std::numeric_limits<long double>::digits >= std::numeric_limits<double>::digits,
              "Aggregate::sum needs a long double wider than a double");

// Count, sum, extremes and the first and last reading of a set of readings
// (an hour, a bucket, a window). `count == 0` means empty; the other fields
// are then meaningless.
struct Aggregate {
  int64_t count = 0;
  long double sum = 0;
  double min = 0;
  double max = 0;
  Timestamp first_ts;
  double first = 0;
  Timestamp last_ts;
  double last = 0;

  // Adds one reading. Inline, and not a Merge of a one-reading
  // aggregate: raw statistics call it once per reading, where building
  // that aggregate, long double and all, cost more than the rest.
  void Add(Timestamp ts, double value) {
    if (count == 0) {
      count = 1;
      sum = min = max = first = last = value;
      first_ts = last_ts = ts;
      return;
    }
    ++count;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    if (ts < first_ts) {
      first_ts = ts;
      first = value;
    }
    if (ts > last_ts) {
      last_ts = ts;
      last = value;
    }
  }
  // Adds another aggregate of disjoint readings.
  void Merge(const Aggregate& other);

  // The sum as a double: 0 when empty, nullopt when its magnitude exceeds
  // the largest double (answered `null`, docs/api.md "Statistics").
  std::optional<double> Sum() const;
  // The mean, the sum divided by the count in long double, then rounded
  // to a double: never outside [min, max], so always finite. 0 when empty.
  double Mean() const;
};

}  // namespace dc
