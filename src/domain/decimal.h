#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dc {

// Parses a decimal number sent as a JSON string ("12.5", "-3e2", "+7"): the
// JSON number grammar with an optional leading '+', nothing around it (no
// spaces, hex, NaN or infinities). A value whose double overflows is an
// error; one that underflows becomes the nearest representable value (0 or a
// subnormal). Errors are InvalidArgument; the caller attaches the source.
Result<double> ParseDecimal(std::string_view text);

// Largest output of FormatShortest (sign, 17 digits, point, exponent).
inline constexpr size_t kShortestDoubleSize = 32;

// Writes the shortest text that reads back as the same double, as
// std::to_chars does ("12.5", "7", "-300", "1e+21"). `out` must hold
// kShortestDoubleSize chars. Returns the length written. Only for finite
// values.
size_t FormatShortest(double value, char* out);
std::string FormatShortest(double value);

}  // namespace dc
