// ParseTimestamp on the forms clients send (the reference's upload
// TIMESTAMP, its fetch window form, a date, an offset, nanoseconds), and
// FormatTimestamp, which every echoed and fetched reading goes through.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "domain/timestamp.h"
#include "micro/alloc_count.h"

namespace dc::bench {
namespace {

void BM_ParseTimestamp(benchmark::State& state, std::string_view text, DateOnly date_only) {
  if (!ParseTimestamp(text, date_only)) {
    state.SkipWithError("the benchmark's timestamp does not parse");
    return;
  }
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text);
    auto ts = ParseTimestamp(text, date_only);
    benchmark::DoNotOptimize(ts);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
// The reference's upload TIMESTAMP.
BENCHMARK_CAPTURE(BM_ParseTimestamp, upload_reference, "2020-10-13T14:02:39.489Z",
                  DateOnly::kReject);
// The reference's timeperiod_start form: a space, no zone (UTC).
BENCHMARK_CAPTURE(BM_ParseTimestamp, fetch_space_no_zone, "2020-10-03 15:31:55",
                  DateOnly::kStartOfDay);
// A date-only timeperiod_finish: the end of that day.
BENCHMARK_CAPTURE(BM_ParseTimestamp, fetch_date_only, "2020-11-03", DateOnly::kEndOfDay);
BENCHMARK_CAPTURE(BM_ParseTimestamp, offset, "2020-10-13T16:02:39.489+02:00", DateOnly::kReject);
// Nanoseconds, truncated to the microsecond; lowercase separators.
BENCHMARK_CAPTURE(BM_ParseTimestamp, nanos_lowercase, "2020-10-13t14:02:39.123456789z",
                  DateOnly::kReject);
// The normalised form the server itself writes.
BENCHMARK_CAPTURE(BM_ParseTimestamp, normalised, "2020-10-13T14:02:39.489000Z", DateOnly::kReject);

// Into a caller's buffer, as FetchWriter and the 201 echo do.
void BM_FormatTimestamp_Buffer(benchmark::State& state) {
  Timestamp ts = *ParseTimestamp("2020-10-13T14:02:39.489Z");
  char out[kTimestampTextSize];
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ts);
    FormatTimestamp(ts, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatTimestamp_Buffer);

// The std::string overload (a heap allocation each: 27 chars do not fit
// libstdc++'s small-string buffer).
void BM_FormatTimestamp_String(benchmark::State& state) {
  Timestamp ts = *ParseTimestamp("2020-10-13T14:02:39.489Z");
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ts);
    std::string text = FormatTimestamp(ts);
    benchmark::DoNotOptimize(text);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatTimestamp_String);

}  // namespace
}  // namespace dc::bench
