#include "metrics/histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace dc::metrics {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
  assert(std::adjacent_find(bounds_.begin(), bounds_.end(), std::greater_equal<>()) ==
         bounds_.end());
  assert(std::all_of(bounds_.begin(), bounds_.end(), [](double b) { return std::isfinite(b); }));
}

void Histogram::Observe(double value) {
  // lower_bound finds the first bound >= value: the bucket `le` that counts
  // it. NaN compares false to everything and would land in the first
  // bucket; it belongs with the values above every bound.
  const size_t bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.cumulative.resize(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = total;
  }
  snapshot.count = total;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::span<const double> DurationBounds() {
  static constexpr double kBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return kBounds;
}

}  // namespace dc::metrics
