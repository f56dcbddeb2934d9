#include "storage/core/window_split.h"

#include <limits>

#include "storage/core/hour_math.h"

namespace dc::storage {

MicrosRange WindowRange(const TimeWindow& window) {
  return MicrosRange{
      .first = window.start ? window.start->micros : std::numeric_limits<int64_t>::min(),
      .last = window.finish ? window.finish->micros : std::numeric_limits<int64_t>::max()};
}

WindowSplit SplitWindow(const TimeWindow& window) {
  const auto [lo, hi] = WindowRange(window);
  WindowSplit split;
  if (lo > hi) return split;

  // The first hour that starts at or after `lo`, and the last hour that
  // ends at or before `hi`. HourStart and HourLast clamp to int64, which
  // keeps this exact (and free of overflow) for any bounds.
  int64_t first_hour = std::numeric_limits<int64_t>::min();
  if (window.start) {
    first_hour = HourOf(lo);
    if (HourStart(first_hour) < lo) ++first_hour;
  }
  int64_t last_hour = std::numeric_limits<int64_t>::max();
  if (window.finish) {
    last_hour = HourOf(hi);
    if (HourLast(last_hour) != hi) --last_hour;
  }

  if (first_hour > last_hour) {
    split.head = MicrosRange{lo, hi};
    return split;
  }
  split.hours = HourRange{first_hour, last_hour};
  if (window.start && lo < HourStart(first_hour)) {
    split.head = MicrosRange{lo, HourStart(first_hour) - 1};
  }
  if (window.finish && HourLast(last_hour) < hi) {
    split.tail = MicrosRange{HourLast(last_hour) + 1, hi};
  }
  return split;
}

}  // namespace dc::storage
