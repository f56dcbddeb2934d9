// ParseDecimal, the separate step that reads a value sent as a JSON string
// ("12.5", as the reference sends every value), and FormatShortest, which
// renders every number the server sends back.
#include <benchmark/benchmark.h>

#include <string_view>

#include "domain/decimal.h"
#include "micro/alloc_count.h"

namespace dc::bench {
namespace {

void BM_ParseDecimal(benchmark::State& state, std::string_view text) {
  if (!ParseDecimal(text)) {
    state.SkipWithError("the benchmark's number does not parse");
    return;
  }
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text);
    auto value = ParseDecimal(text);
    benchmark::DoNotOptimize(value);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
// The reference's DATA_VALUE.
BENCHMARK_CAPTURE(BM_ParseDecimal, value_reference, "12.5");
// Coordinates as devices send them.
BENCHMARK_CAPTURE(BM_ParseDecimal, latitude, "40.730610");
BENCHMARK_CAPTURE(BM_ParseDecimal, longitude, "-73.935242");
// The other forms docs/api.md "Upload body" accepts.
BENCHMARK_CAPTURE(BM_ParseDecimal, exponent, "-3e2");
BENCHMARK_CAPTURE(BM_ParseDecimal, plus_sign, "+7");
BENCHMARK_CAPTURE(BM_ParseDecimal, seventeen_digits, "0.30000000000000004");

void BM_FormatShortest(benchmark::State& state, double value) {
  char out[kShortestDoubleSize];
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value);
    const size_t size = FormatShortest(value, out);
    benchmark::DoNotOptimize(size);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_FormatShortest, value_reference, 12.5);
BENCHMARK_CAPTURE(BM_FormatShortest, longitude, -73.935242);
BENCHMARK_CAPTURE(BM_FormatShortest, integer, 7.0);
// An average over many readings: 17 significant digits.
BENCHMARK_CAPTURE(BM_FormatShortest, avg_17_digits, 0.1 + 0.2);

}  // namespace
}  // namespace dc::bench
