#pragma once

#include <cstdint>

#include "domain/timestamp.h"

namespace dc::storage {

// Hour arithmetic on microseconds since the epoch, as every backend numbers
// the hours of its per-hour aggregates: hour h covers [h * 1 h, (h + 1) * 1 h).
// Pure functions, exact for every int64 (they saturate instead of
// overflowing at the ends, reachable only by timestamps no Timestamp holds).

// floor(a / b) for b > 0, also for negative a (C++ truncates toward zero).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}

// The hour `micros` falls in.
inline int64_t HourOf(int64_t micros) { return FloorDiv(micros, kMicrosPerHour); }

// The first and the last microsecond of `hour`, clamped to int64 for the
// partial hours at its ends.
int64_t HourStart(int64_t hour);
int64_t HourLast(int64_t hour);

// The start of the interval-long bucket that `micros` falls in, buckets
// being aligned to multiples of `interval` (> 0) since the epoch. Saturates
// at the lowest int64 instead of overflowing.
int64_t AlignDown(int64_t micros, int64_t interval);

// The start of the bucket that hour `hour` falls in, for an interval that
// is a whole number of hours (an hour then never straddles two buckets).
// Saturates like AlignDown.
int64_t AlignHourDown(int64_t hour, int64_t interval);

}  // namespace dc::storage
