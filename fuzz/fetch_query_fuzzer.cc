// Fuzzes ParseFetchQuery for every endpoint shape and target. An accepted
// query must be one the store can run as is (fetch_endpoint.cc does no
// further checks): a bounded limit, an ordered window, a positive asset id,
// and only the options that endpoint takes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "query/fetch_query.h"

namespace {

// A fixed "now" (2026-01-01T00:00:00Z) keeps runs reproducible: a crash
// found with timeperiod_last must replay the same way tomorrow.
constexpr dc::Timestamp kNow{1'767'225'600'000'000};

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "fetch_query_fuzzer: %s\n", what);
  std::abort();
}

void Check(const dc::FetchQuery& q, dc::FetchShape shape, dc::FetchTarget target) {
  if (q.shape != shape || q.target != target) Fail("shape or target not as requested");
  if (q.limit < 1 || q.limit > dc::kMaxFetchLimit) Fail("limit outside 1..100000");
  if (q.window.start && q.window.finish && *q.window.start > *q.window.finish) {
    Fail("window start after finish");
  }
  if (q.input_ids.size() > dc::kMaxInputIds) Fail("more input ids than kMaxInputIds");
  if (std::set<std::string>(q.input_ids.begin(), q.input_ids.end()).size() != q.input_ids.size()) {
    Fail("duplicate input ids");
  }
  for (const std::string& id : q.input_ids) {
    if (id.empty()) Fail("empty input id");
  }
  if (q.input_ids_parameter != "input_ids" && q.input_ids_parameter != "inputs_ids") {
    Fail("input_ids_parameter is neither spelling");
  }
  if (target == dc::FetchTarget::kInputs) {
    if (q.input_ids.empty()) Fail("by-inputs query without input ids");
  } else {
    if (q.asset_id <= 0) Fail("by-asset query without a positive asset id");
    if (!q.input_ids_given && !q.input_ids.empty()) Fail("input ids not given but present");
  }
  if (shape == dc::FetchShape::kStatistics) {
    if (q.functions.empty()) Fail("statistics without functions");
    if (std::set<dc::AggregateFunc>(q.functions.begin(), q.functions.end()).size() !=
        q.functions.size()) {
      Fail("repeated aggregation function");
    }
    if (q.interval_micros && *q.interval_micros <= 0) Fail("non-positive interval");
  } else {
    if (q.interval_micros) Fail("interval on a raw endpoint");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  for (dc::FetchShape shape : {dc::FetchShape::kRaw, dc::FetchShape::kStatistics}) {
    for (dc::FetchTarget target : {dc::FetchTarget::kInputs, dc::FetchTarget::kAsset}) {
      auto parsed = dc::ParseFetchQuery(query, shape, target, kNow);
      if (parsed) Check(*parsed, shape, target);
    }
  }
  return 0;
}
