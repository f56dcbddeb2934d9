// Fuzzes ParseUploadBody, the first code to see an upload's bytes. Beyond
// memory errors (ASan/UBSan), a body the parser accepts must hold only
// readings the store can take: the rules of docs/api.md "Upload body" are checked here, so a parser
// that lets a bad value through fails as loudly as one that crashes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "query/upload_body.h"

namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, in microseconds
// since the epoch: the year range of docs/api.md "Upload body".
constexpr int64_t kMinMicros = -62'135'596'800'000'000;
constexpr int64_t kMaxMicros = 253'402'300'799'999'999;

void Fail(const char* what, size_t index) {
  std::fprintf(stderr, "upload_body_fuzzer: reading %zu: %s\n", index, what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto upload = dc::ParseUploadBody(body, "senxxxxxxxxxx");
  if (!upload) return 0;

  if (upload->readings.empty()) Fail("accepted an upload without readings", 0);
  if (!upload->is_batch && upload->readings.size() != 1) Fail("single body, many readings", 0);
  if (upload->readings.size() > dc::kMaxBatchElements) Fail("batch over the element limit", 0);
  for (size_t i = 0; i < upload->readings.size(); ++i) {
    const dc::Reading& r = upload->readings[i];
    if (!std::isfinite(r.value)) Fail("value not finite", i);
    if (r.latitude && !(*r.latitude >= -90 && *r.latitude <= 90)) Fail("latitude out of range", i);
    if (r.longitude && !(*r.longitude >= -180 && *r.longitude <= 180)) {
      Fail("longitude out of range", i);
    }
    if (r.timestamp.micros < kMinMicros || r.timestamp.micros > kMaxMicros) {
      Fail("timestamp outside years 1..9999", i);
    }
    if (r.x_axis_value.size() > dc::kMaxXAxisValueBytes) Fail("x_axis_value over its bound", i);
    if (r.metadata.size() > dc::kMaxMetadataBytes) Fail("metadata over its bound", i);
    // Metadata is rendered back verbatim, so it must be an object.
    if (!r.metadata.empty() && (r.metadata.front() != '{' || r.metadata.back() != '}')) {
      Fail("metadata is not a JSON object", i);
    }
  }
  return 0;
}
