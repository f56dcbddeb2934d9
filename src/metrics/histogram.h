#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace dc::metrics {

// The state of a histogram at one moment, as rendered: cumulative counts,
// one per bound and a last one for +Inf (which equals `count`).
struct HistogramSnapshot {
  std::span<const double> bounds;
  std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries
  uint64_t count = 0;
  double sum = 0;
};

// Histogram counts observations into fixed buckets (Prometheus type
// "histogram"): bucket `le=B` counts the observations <= B. The bounds are
// fixed at construction, so Observe() is a search over a few doubles and
// two relaxed atomic adds: no lock, no allocation.
//
// Thread-safe. A snapshot taken while observations arrive may count an
// observation in its buckets but not yet in its sum; the buckets and the
// count always agree, since the count is their total.
class Histogram {
 public:
  // `bounds` must be finite and strictly increasing (a programmer error
  // otherwise).
  explicit Histogram(std::span<const double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);
  // Observes `duration` in seconds.
  void ObserveDuration(std::chrono::nanoseconds duration) {
    Observe(static_cast<double>(duration.count()) * 1e-9);
  }

  HistogramSnapshot Snapshot() const;

 private:
  const std::vector<double> bounds_;
  // Per bucket, not cumulative: bounds_.size() + 1 counts, the last for
  // observations above every bound (and NaN).
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Bucket bounds for request and commit durations: 100 µs to 10 s, in steps
// of about 2.5x.
std::span<const double> DurationBounds();

}  // namespace dc::metrics
