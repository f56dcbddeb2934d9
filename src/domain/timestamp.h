#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dc {

// An instant in UTC with microsecond precision: microseconds since
// 1970-01-01T00:00:00Z. Covers years 0001..9999. A plain value type.
struct Timestamp {
  int64_t micros = 0;
  auto operator<=>(const Timestamp&) const = default;
};

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// What a date without a time of day means where one is accepted.
enum class DateOnly {
  kReject,      // upload: a time of day is required
  kStartOfDay,  // window start: 00:00:00.000000
  kEndOfDay,    // window finish: 23:59:59.999999
};

// Parses RFC 3339 as docs/api.md ("Upload body") widens it: `YYYY-MM-DD`, `T`, `t` or one space,
// `hh:mm:ss`, an optional fraction of any length (truncated to the
// microsecond), and `Z`, `z`, `+hh:mm`, `-hh:mm` or no zone (UTC). Years
// 0001..9999 before and after applying the offset. Errors are
// InvalidArgument with a detail that quotes the input and names the accepted
// form; the caller attaches the source.
Result<Timestamp> ParseTimestamp(std::string_view text, DateOnly date_only = DateOnly::kReject);

// Length of the normalised form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
inline constexpr size_t kTimestampTextSize = 27;

// Writes the normalised form into `out`, which must hold kTimestampTextSize
// chars. No terminator is written.
void FormatTimestamp(Timestamp ts, char* out);
std::string FormatTimestamp(Timestamp ts);

}  // namespace dc
