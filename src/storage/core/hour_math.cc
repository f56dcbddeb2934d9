#include "storage/core/hour_math.h"

#include <limits>

namespace dc::storage {
namespace {

int64_t SaturatingBucketStart(int64_t bucket, int64_t interval) {
  int64_t start = 0;
  if (__builtin_mul_overflow(bucket, interval, &start)) {
    return bucket < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  return start;
}

}  // namespace

int64_t HourStart(int64_t hour) { return SaturatingBucketStart(hour, kMicrosPerHour); }

int64_t HourLast(int64_t hour) {
  if (hour == std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  const int64_t next = SaturatingBucketStart(hour + 1, kMicrosPerHour);
  return next == std::numeric_limits<int64_t>::max() ? next : next - 1;
}

int64_t AlignDown(int64_t micros, int64_t interval) {
  return SaturatingBucketStart(FloorDiv(micros, interval), interval);
}

int64_t AlignHourDown(int64_t hour, int64_t interval) {
  return SaturatingBucketStart(FloorDiv(hour, interval / kMicrosPerHour), interval);
}

}  // namespace dc::storage
