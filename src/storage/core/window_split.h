#pragma once

#include <cstdint>
#include <optional>

#include "domain/fetch_types.h"

namespace dc::storage {

// An inclusive range of microseconds, or of hours.
struct MicrosRange {
  int64_t first = 0;
  int64_t last = 0;
  bool operator==(const MicrosRange&) const = default;
};
struct HourRange {
  int64_t first = 0;
  int64_t last = 0;
  bool operator==(const HourRange&) const = default;
};

// `window` as inclusive microseconds, an absent end being the lowest (or
// highest) int64.
MicrosRange WindowRange(const TimeWindow& window);

// How Statistics reads a window: the whole hours inside it from hour_stats,
// and the partial hours at its edges from raw readings.
//
// When the window holds at least one whole hour, `hours` is set and `head`
// and `tail` are the parts of the window before and after them, each less
// than an hour long (absent when the window starts or ends on an hour
// boundary, or is unbounded on that side). When it holds no whole hour,
// only `head` is set: the whole window, shorter than two hours. An empty
// window (start after finish) sets nothing.
struct WindowSplit {
  std::optional<MicrosRange> head;
  std::optional<HourRange> hours;
  std::optional<MicrosRange> tail;
};

// An absent end of `window` is unbounded: `hours` then reaches the lowest
// (or highest) int64 hour, and there is no edge on that side.
WindowSplit SplitWindow(const TimeWindow& window);

}  // namespace dc::storage
