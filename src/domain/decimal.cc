#include "domain/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "common/quote.h"
#include "domain/ascii.h"

namespace dc {
namespace {

// The JSON number grammar, plus a leading '+'. Checked here rather than left
// to from_chars, which stops quietly at the first character it does not want
// ("1e" reads as 1) and has its own ideas about leading zeros.
bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  if (i >= n || !IsAsciiDigit(text[i])) return false;
  if (text[i] == '0') {
    ++i;
  } else {
    while (i < n && IsAsciiDigit(text[i])) ++i;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !IsAsciiDigit(text[i])) return false;
    while (i < n && IsAsciiDigit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !IsAsciiDigit(text[i])) return false;
    while (i < n && IsAsciiDigit(text[i])) ++i;
  }
  return i == n;
}

}  // namespace

Result<double> ParseDecimal(std::string_view text) {
  if (!IsJsonNumber(text)) {
    return Status::InvalidArgument(
        "expected a decimal number (JSON number syntax, like 12.5, -3e2 or +7), got " +
        QuoteForDetail(text));
  }
  // from_chars does not take a leading '+'.
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);

  double value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars says out of range for underflow as well as overflow and then
    // leaves `value` alone. strtod tells them apart (HUGE_VAL for overflow)
    // and rounds an underflow to the nearest subnormal or zero, keeping the
    // sign. Its '.' is the locale's: this program never leaves the C locale,
    // and the end check turns a surprise there into an error, not a wrong
    // number.
    const std::string copy(digits);
    char* end = nullptr;
    value = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) {
      return Status::Internal("strtod could not read " + QuoteForDetail(text) +
                              "; is the process out of the C locale?");
    }
  } else if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return Status::Internal("from_chars could not read " + QuoteForDetail(text));
  }
  if (!std::isfinite(value)) {
    return Status::InvalidArgument("number " + QuoteForDetail(text) +
                                   " overflows a double (magnitude must stay below 1.8e308)");
  }
  return value;
}

size_t FormatShortest(double value, char* out) {
  const auto result = std::to_chars(out, out + kShortestDoubleSize, value);
  return static_cast<size_t>(result.ptr - out);
}

std::string FormatShortest(double value) {
  char buffer[kShortestDoubleSize];
  return std::string(buffer, FormatShortest(value, buffer));
}

}  // namespace dc
