// The JSON the server writes: the upload's 201 bodies (RenderStoredReading,
// RenderStoredBatch) and fetch answers through FetchWriter (raw readings,
// statistics), each into a fresh std::string as the endpoints do.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "api/fetch_writer.h"
#include "api/upload_response.h"
#include "domain/catalog_types.h"
#include "domain/fetch_types.h"
#include "domain/reading.h"
#include "domain/timestamp.h"
#include "micro/alloc_count.h"
#include "storage/store.h"

namespace dc::bench {
namespace {

constexpr char kInputId[] = "senxxxxxxxxxx";

Timestamp ReferenceTimestamp() { return *ParseTimestamp("2020-10-13T14:02:39.489Z"); }

// The reference's sample reading (value 12.5 at its TIMESTAMP).
Reading ReferenceReading() {
  Reading reading;
  reading.timestamp = ReferenceTimestamp();
  reading.value = 12.5;
  return reading;
}

// The same with every optional attribute, stored as the upload parser
// keeps them (x_axis_value and metadata as minified JSON).
Reading FullReading() {
  Reading reading = ReferenceReading();
  reading.latitude = 40.73061;
  reading.longitude = -73.935242;
  reading.x_axis_value = R"("rpm")";
  reading.metadata = R"({"site":"north","firmware":"1.4.2"})";
  return reading;
}

// `count` readings one second apart, values like a thermometer's with one
// or two decimals; with `extensions`, every optional attribute too.
std::vector<Reading> Readings(int64_t count, bool extensions) {
  std::vector<Reading> readings;
  readings.reserve(static_cast<size_t>(count));
  const Reading base = extensions ? FullReading() : ReferenceReading();
  for (int64_t i = 0; i < count; ++i) {
    Reading r = base;
    r.timestamp.micros += i * kMicrosPerSecond;
    r.value = 12.5 + static_cast<double>(i % 1000) / 100;
    readings.push_back(std::move(r));
  }
  return readings;
}

Input ReferenceInput(const char* id) {
  Input input;
  input.pk = 1;
  input.id = id;
  input.name = "Boiler";
  input.measure_unit = "°C";
  return input;
}

void BM_RenderStoredReading(benchmark::State& state, const Reading& reading) {
  AllocationsPerIteration allocations;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string body = api::RenderStoredReading(1234567, reading, kInputId);
    bytes += static_cast<int64_t>(body.size());
    benchmark::DoNotOptimize(body);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK_CAPTURE(BM_RenderStoredReading, reference, ReferenceReading());
BENCHMARK_CAPTURE(BM_RenderStoredReading, all_attributes, FullReading());

void BM_RenderStoredBatch(benchmark::State& state) {
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    std::string body = api::RenderStoredBatch(5000);
    benchmark::DoNotOptimize(body);
  }
  allocations.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderStoredBatch);

// get_inputdata_by_inputs for one input: `[{"input": {...}, "inputdata":
// [...]}]` with range(0) readings; range(1) = 1 adds lat/long, x_axis_value
// and metadata (all three flags true).
void BM_FetchRaw(benchmark::State& state) {
  const bool extensions = state.range(1) != 0;
  const std::vector<Reading> readings = Readings(state.range(0), extensions);
  const Input input = ReferenceInput(kInputId);
  AllocationsPerIteration allocations;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string body;
    api::FetchWriter::Fields fields;
    fields.lat_long = fields.x_axis = fields.metadata = extensions;
    api::FetchWriter writer(&body, std::move(fields));
    writer.BeginList();
    writer.BeginInput(input);
    for (const Reading& r : readings) writer.AddReading(r);
    writer.EndInput();
    writer.EndList();
    bytes += static_cast<int64_t>(body.size());
    benchmark::DoNotOptimize(body);
  }
  allocations.Report(state, state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_FetchRaw)
    ->ArgNames({"readings", "all_fields"})
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Unit(benchmark::kMicrosecond);

Aggregate SomeAggregate(int64_t i) {
  Aggregate a;
  a.count = 3600;
  a.sum = 3600 * (20.0 + static_cast<double>(i % 24) / 3);
  a.min = 12.5 + static_cast<double>(i % 7) / 10;
  a.max = 31.25 - static_cast<double>(i % 5) / 10;
  return a;
}

// The reference's statistics example: three inputs, min,max,avg over the
// window, one element each.
void BM_FetchStatistics_ThreeInputs(benchmark::State& state) {
  const std::vector<Input> inputs = {ReferenceInput("senXXXX"), ReferenceInput("senXXXY"),
                                     ReferenceInput("senXXXZ")};
  AllocationsPerIteration allocations;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string body;
    api::FetchWriter::Fields fields;
    fields.functions = {AggregateFunc::kMin, AggregateFunc::kMax, AggregateFunc::kAvg};
    api::FetchWriter writer(&body, std::move(fields));
    writer.BeginList();
    for (size_t i = 0; i < inputs.size(); ++i) {
      writer.BeginInput(inputs[i]);
      writer.AddBucket(StatsBucket{Timestamp{}, SomeAggregate(static_cast<int64_t>(i))});
      writer.EndInput();
    }
    writer.EndList();
    bytes += static_cast<int64_t>(body.size());
    benchmark::DoNotOptimize(body);
  }
  allocations.Report(state, 3);
  state.SetItemsProcessed(state.iterations() * 3);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_FetchStatistics_ThreeInputs);

// Statistics with the interval extension (docs/api.md "Fetch"): one input, range(0) hourly
// buckets, each with its timestamp and min,max,avg.
void BM_FetchStatistics_HourlyBuckets(benchmark::State& state) {
  std::vector<StatsBucket> buckets;
  const int64_t start_hour = ReferenceTimestamp().micros / kMicrosPerHour * kMicrosPerHour;
  for (int64_t i = 0; i < state.range(0); ++i) {
    buckets.push_back(StatsBucket{Timestamp{start_hour + i * kMicrosPerHour}, SomeAggregate(i)});
  }
  const Input input = ReferenceInput(kInputId);
  AllocationsPerIteration allocations;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string body;
    api::FetchWriter::Fields fields;
    fields.functions = {AggregateFunc::kMin, AggregateFunc::kMax, AggregateFunc::kAvg};
    fields.bucket_timestamp = true;
    api::FetchWriter writer(&body, std::move(fields));
    writer.BeginList();
    writer.BeginInput(input);
    for (const StatsBucket& bucket : buckets) writer.AddBucket(bucket);
    writer.EndInput();
    writer.EndList();
    bytes += static_cast<int64_t>(body.size());
    benchmark::DoNotOptimize(body);
  }
  allocations.Report(state, state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_FetchStatistics_HourlyBuckets)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dc::bench
