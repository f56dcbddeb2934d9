#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "domain/fetch_types.h"

namespace dc::storage {

// A reading as ranked by value: value, then timestamp.
struct RankedReading {
  double value = 0;
  int64_t ts = 0;
  bool operator==(const RankedReading&) const = default;
};

// TopByValue keeps, of the readings offered to it, the first `limit` in
// (value, timestamp) order of `sort` (kDesc: highest values first, and of
// equal values the latest first), in O(limit) memory: a bounded heap whose
// top is the worst kept reading, which each better offer replaces. This is
// how ScanReadings answers order_by=value over any window without sorting
// all of it.
//
// Values must not be NaN (the store holds finite values only).
// Thread-compatible.
class TopByValue {
 public:
  TopByValue(size_t limit, SortDirection sort);

  void Offer(const RankedReading& reading);
  // The kept readings, best first. Leaves the object empty.
  std::vector<RankedReading> TakeSorted();

 private:
  // Whether `a` comes before `b` in the wanted order; the heap built on it
  // keeps the reading that comes last on top.
  bool Before(const RankedReading& a, const RankedReading& b) const;

  size_t limit_;
  SortDirection sort_;
  std::vector<RankedReading> heap_;
};

}  // namespace dc::storage
