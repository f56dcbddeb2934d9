// Fuzzes ParseTimestamp in each DateOnly mode. An accepted text must name an
// instant inside years 1..9999 whose normalised form (FormatTimestamp) parses
// back to the same instant: the server echoes and stores that form, so a
// round trip that drifts would silently move a client's reading.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "domain/timestamp.h"

namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z (see timestamp.h).
constexpr int64_t kMinMicros = -62'135'596'800'000'000;
constexpr int64_t kMaxMicros = 253'402'300'799'999'999;

[[noreturn]] void Fail(const char* what, std::string_view input, const std::string& formatted) {
  std::fprintf(stderr, "timestamp_fuzzer: %s: input '%.*s', formatted '%s'\n", what,
               static_cast<int>(input.size()), input.data(), formatted.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (dc::DateOnly mode :
       {dc::DateOnly::kReject, dc::DateOnly::kStartOfDay, dc::DateOnly::kEndOfDay}) {
    auto parsed = dc::ParseTimestamp(text, mode);
    if (!parsed) continue;
    const std::string formatted = dc::FormatTimestamp(*parsed);
    if (parsed->micros < kMinMicros || parsed->micros > kMaxMicros) {
      Fail("instant outside years 1..9999", text, formatted);
    }
    if (formatted.size() != dc::kTimestampTextSize) Fail("formatted size", text, formatted);
    // The normalised form has a time of day, so kReject must take it.
    auto again = dc::ParseTimestamp(formatted, dc::DateOnly::kReject);
    if (!again) Fail("normalised form rejected", text, formatted);
    if (again->micros != parsed->micros) Fail("round trip changed the instant", text, formatted);
  }
  return 0;
}
