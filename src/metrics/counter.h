#pragma once

#include <atomic>
#include <cstdint>

namespace dc::metrics {

// Counter is a monotonic count (Prometheus type "counter"), e.g. requests
// served. Thread-safe and lock-free: Increment() is one relaxed atomic add,
// cheap enough for every request. Its owner is the Registry that made it.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Gauge is a value that goes up and down (Prometheus type "gauge"). A value
// that is cheaper to compute when scraped than to keep up to date is better
// a callback gauge (Registry::AddCallbackGauge). Thread-safe and lock-free.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

}  // namespace dc::metrics
