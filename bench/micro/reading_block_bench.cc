// The reading-block codec on a full block of the commonest load: one input
// reading once a second, consecutive ids, no optional fields. The merge
// encodes every block it writes and decodes each it rewrites, and a fetch
// decodes each block it reads, so per reading these are the codec's share
// of both. Items are readings.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "micro/alloc_count.h"
#include "storage/sqlite/reading_block.h"

namespace dc::bench {
namespace {

// These measure the SQLite backend's block codec itself, not the Store interface.
using namespace dc::sqlite;

// 2020-10-13T14:02:39.489Z, the reference's upload timestamp.
constexpr int64_t kStart = 1'602'597'759'489'000;

std::vector<StoredReading> FullBlock() {
  std::vector<StoredReading> readings(kBlockReadings);
  for (size_t i = 0; i < readings.size(); ++i) {
    const auto n = static_cast<int64_t>(i);
    readings[i].id = 1'000'000 + n;
    readings[i].reading.timestamp = Timestamp{kStart + n * kMicrosPerSecond};
    readings[i].reading.value = 20.0 + 0.125 * static_cast<double>(n % 40);
  }
  return readings;
}

void SetCounters(benchmark::State& state, size_t block_bytes) {
  const auto readings = static_cast<int64_t>(kBlockReadings);
  state.SetItemsProcessed(state.iterations() * readings);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(block_bytes));
  state.counters["bytes/reading"] =
      static_cast<double>(block_bytes) / static_cast<double>(kBlockReadings);
}

// Into a buffer reused from block to block, as the merge writes one block
// after another.
void BM_EncodeBlock(benchmark::State& state) {
  const std::vector<StoredReading> readings = FullBlock();
  std::string out;
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    out.clear();
    EncodeBlock(readings, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocations.Report(state, static_cast<int64_t>(kBlockReadings));
  SetCounters(state, out.size());
}
BENCHMARK(BM_EncodeBlock);

// Into a vector reused from block to block, as a scan reads one block after
// another.
void BM_DecodeBlock(benchmark::State& state) {
  std::string block;
  EncodeBlock(FullBlock(), block);
  std::vector<StoredReading> out;
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(block.data());
    if (!DecodeBlock(block, out)) {
      state.SkipWithError("the benchmark's block does not decode");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocations.Report(state, static_cast<int64_t>(kBlockReadings));
  SetCounters(state, block.size());
}
BENCHMARK(BM_DecodeBlock);

}  // namespace
}  // namespace dc::bench
