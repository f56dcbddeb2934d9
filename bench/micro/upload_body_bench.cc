// ParseUploadBody: the reference's single-reading curl body, the same with
// every optional attribute, and a batch of readings in the reference's shape;
// beside it simdjson's bare DOM parse of the same batch, to split the cost
// between JSON parsing and validation.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "domain/timestamp.h"
#include "micro/alloc_count.h"
#include "query/upload_body.h"

namespace dc::bench {
namespace {

constexpr std::string_view kInputId = "senxxxxxxxxxx";

// The reference's curl sample (`--data`), byte for byte.
constexpr std::string_view kReferenceBody =
    R"({"data":{"type":"SensorData", "id": "null", "attributes": { "value": "12.5", )"
    R"("timestamp": "2020-10-13T14:02:39.489Z"}, "relationships": { "sensor": { "data": )"
    R"({ "type": "Sensor", "id": "senxxxxxxxxxx" }}}}})";

// The same reading with the optional attributes of docs/api.md
// "Upload", as a device that
// sends them all would.
constexpr std::string_view kFullBody =
    R"({"data":{"type":"SensorData","id":"null","attributes":{"value":"12.5",)"
    R"("timestamp":"2020-10-13T14:02:39.489Z","latitude":"40.730610","longitude":"-73.935242",)"
    R"("x_axis_value":"rpm","metadata":{"site":"north","firmware":"1.4.2"}},)"
    R"("relationships":{"sensor":{"data":{"type":"Sensor","id":"senxxxxxxxxxx"}}}}})";

// `count` readings in the reference's shape, serialised as the reference's
// Node.js sample does (JSON.stringify: no spaces), one second apart from its
// TIMESTAMP, with values like a thermometer's ("12.5", "12.6", ...).
std::string BatchBody(int64_t count) {
  const Timestamp base = *ParseTimestamp("2020-10-13T14:02:39.489Z");
  std::string body = R"({"data":[)";
  for (int64_t i = 0; i < count; ++i) {
    char ts[kTimestampTextSize];
    FormatTimestamp(Timestamp{base.micros + i * kMicrosPerSecond}, ts);
    // The reference's millisecond form: drop the last three fraction digits.
    const std::string millis = std::string(ts, 23) + "Z";
    char value[16];
    std::snprintf(value, sizeof value, "%.1f", 12.5 + static_cast<double>(i % 100) / 10);
    if (i > 0) body += ',';
    body += R"({"type":"SensorData","id":"null","attributes":{"value":")";
    body += value;
    body += R"(","timestamp":")";
    body += millis;
    body += R"("},"relationships":{"sensor":{"data":{"type":"Sensor","id":")";
    body += kInputId;
    body += R"("}}}})";
  }
  body += "]}";
  return body;
}

void RunParse(benchmark::State& state, std::string_view body, int64_t readings) {
  // Measure the happy path only: a body that fails would time the error path.
  if (!ParseUploadBody(body, kInputId)) {
    state.SkipWithError("the benchmark's body does not parse");
    return;
  }
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    auto upload = ParseUploadBody(body, kInputId);
    benchmark::DoNotOptimize(upload);
  }
  allocations.Report(state, readings);
  state.SetItemsProcessed(state.iterations() * readings);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

void BM_UploadBody_ReferenceSingle(benchmark::State& state) { RunParse(state, kReferenceBody, 1); }
BENCHMARK(BM_UploadBody_ReferenceSingle);

void BM_UploadBody_SingleAllAttributes(benchmark::State& state) { RunParse(state, kFullBody, 1); }
BENCHMARK(BM_UploadBody_SingleAllAttributes);

void BM_UploadBody_Batch(benchmark::State& state) {
  const std::string body = BatchBody(state.range(0));
  RunParse(state, body, state.range(0));
}
BENCHMARK(BM_UploadBody_Batch)->Arg(5000)->Unit(benchmark::kMicrosecond);

// simdjson's DOM parse of the same batch with a reused parser, as
// ParseUploadBody does before it walks the tree: the floor under it.
void BM_UploadBody_BatchSimdjsonOnly(benchmark::State& state) {
  const std::string body = BatchBody(state.range(0));
  simdjson::dom::parser parser;
  AllocationsPerIteration allocations;
  for (auto _ : state) {
    simdjson::dom::element root;
    auto error = parser.parse(body.data(), body.size()).get(root);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(root);
  }
  allocations.Report(state, state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_UploadBody_BatchSimdjsonOnly)->Arg(5000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dc::bench
