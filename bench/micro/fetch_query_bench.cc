// ParseFetchQuery on the reference's fetch examples (and the README's curl
// line), and SplitQueryString, its splitting and percent-decoding step, on
// the longest of them.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "domain/timestamp.h"
#include "micro/alloc_count.h"
#include "query/fetch_query.h"
#include "query/query_string.h"

namespace dc::bench {
namespace {

// The reference writes its examples with bare quotes and spaces; on the
// wire a browser or HTTP client sends them percent-encoded, which is what
// the server parses.
std::string AsSent(std::string_view query) {
  std::string out;
  for (char c : query) {
    if (c == ' ') {
      out += "%20";
    } else if (c == '"') {
      out += "%22";
    } else {
      out += c;
    }
  }
  return out;
}

// The instant the examples' `timeperiod_last` counts back from.
Timestamp Now() { return *ParseTimestamp("2020-11-03T15:31:55Z"); }

constexpr std::string_view kRawWindowInputs =
    R"(inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55")"
    R"(&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc")";

void BM_ParseFetchQuery(benchmark::State& state, std::string_view example, FetchShape shape,
                        FetchTarget target) {
  const std::string query = AsSent(example);
  const Timestamp now = Now();
  if (!ParseFetchQuery(query, shape, target, now)) {
    state.SkipWithError("the benchmark's query does not parse");
    return;
  }
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    auto parsed = ParseFetchQuery(query, shape, target, now);
    benchmark::DoNotOptimize(parsed);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(query.size()));
}
// get_inputdata_by_inputs, a month's window, newest first.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, raw_window_inputs, kRawWindowInputs, FetchShape::kRaw,
                  FetchTarget::kInputs);
// get_latest_inputdata_by_inputs.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, raw_last_inputs,
                  R"(inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days")"
                  R"(&order_by="timestamp"&sort_by="desc")",
                  FetchShape::kRaw, FetchTarget::kInputs);
// get_statistics_inputdata_by_inputs.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, stats_window_inputs,
                  R"(inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55")"
                  R"(&timeperiod_finish="2020-11-03 15:31:55"&aggregation_func="min,max,avg")",
                  FetchShape::kStatistics, FetchTarget::kInputs);
// get_statistics_inputdata_by_inputs with timeperiod_last.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, stats_last_inputs,
                  R"(inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days")"
                  R"(&aggregation_func="min,max,avg")",
                  FetchShape::kStatistics, FetchTarget::kInputs);
// get_inputdata_by_asset.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, raw_window_asset,
                  R"(asset_id="67"&timeperiod_start="2020-10-03 15:31:55")"
                  R"(&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc")",
                  FetchShape::kRaw, FetchTarget::kAsset);
// get_latest_inputdata_by_asset.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, raw_last_asset,
                  R"(asset_id="67"&timeperiod_last="5_days"&order_by="timestamp"&sort_by="desc")",
                  FetchShape::kRaw, FetchTarget::kAsset);
// get_latest_statistics_inputdata_by_asset.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, stats_last_asset,
                  R"(asset_id="67"&timeperiod_last="5_days"&aggregation_func="min,max,avg")",
                  FetchShape::kStatistics, FetchTarget::kAsset);
// The README's raw fetch, as `curl -G --data-urlencode` sends it.
BENCHMARK_CAPTURE(BM_ParseFetchQuery, readme_curl,
                  "input_ids=senxxxxxxxxxx&timeperiod_last=5_days&limit=100", FetchShape::kRaw,
                  FetchTarget::kInputs);

// The splitting and decoding alone, on the first example.
void BM_SplitQueryString(benchmark::State& state) {
  const std::string query = AsSent(kRawWindowInputs);
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    auto params = SplitQueryString(query);
    benchmark::DoNotOptimize(params);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(query.size()));
}
BENCHMARK(BM_SplitQueryString);

}  // namespace
}  // namespace dc::bench
