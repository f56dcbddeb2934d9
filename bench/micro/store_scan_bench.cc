// Reading raw readings back by value (order_by=value, limit 1,000) from
// one input of 100,000 readings at 1 Hz, merged into the tables: the scan
// ranks ts and value of every reading in the window, then, with optional
// columns asked for, reads the kept readings whole from their blocks.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "micro/scratch_store.h"

namespace dc::bench {
namespace {

constexpr int kReadings = 100'000;

void BM_ScanByValue(benchmark::State& state) {
  ScratchStore scratch;
  IngestBatch batch{.input_pk = scratch.pk(0), .readings = {}};
  for (int i = 0; i < kReadings; ++i) {
    Reading reading = At(i, (i * 7919) % 10007 * 0.01);
    reading.metadata = R"({"site":"north"})";
    batch.readings.push_back(reading);
  }
  const IngestBatch* pointers[] = {&batch};
  if (!scratch.store().WriteBatches(pointers) || !scratch.store().Flush().ok()) std::abort();

  const RawScan scan{.input_pk = scratch.pk(0),
                     .window = {},
                     .limit = 1000,
                     .order_by = OrderBy::kValue,
                     .sort = SortDirection::kDesc,
                     .with_metadata = state.range(0) != 0};
  for (auto _ : state) {
    size_t visited = 0;
    if (!scratch.store().ScanReadings(scan, [&](const Reading&) { ++visited; }).ok() ||
        visited != 1000) {
      std::abort();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kReadings);
}
BENCHMARK(BM_ScanByValue)->ArgName("with_metadata")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dc::bench
