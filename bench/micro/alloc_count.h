#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace dc::bench {

// Heap allocations made so far through any form of operator new, counted by
// the replacement operators in alloc_count.cc (malloc called directly, as
// SQLite and simdjson's aligned buffers do, is not counted). Thread-safe.
uint64_t AllocationCount();

// Counts the allocations made between construction (just before a
// benchmark's loop) and Report() (just after it), and reports them as the
// counter "allocs/op", and as "allocs/item" when an iteration handles
// `items_per_iteration` items. Not thread-safe; one per benchmark run.
class AllocationsPerIteration {
 public:
  AllocationsPerIteration() : start_(AllocationCount()) {}

  void Report(benchmark::State& state, int64_t items_per_iteration = 1) const {
    const double total = static_cast<double>(AllocationCount() - start_);
    state.counters["allocs/op"] = benchmark::Counter(total, benchmark::Counter::kAvgIterations);
    if (items_per_iteration > 1) {
      state.counters["allocs/item"] = benchmark::Counter(
          total / static_cast<double>(items_per_iteration), benchmark::Counter::kAvgIterations);
    }
  }

 private:
  uint64_t start_;
};

}  // namespace dc::bench
