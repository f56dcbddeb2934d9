#include "domain/timestamp.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/quote.h"
#include "domain/ascii.h"

namespace dc {
namespace {

// Hand-written calendar arithmetic (Howard Hinnant's days_from_civil and
// civil_from_days, proleptic Gregorian) rather than libc: it is exact for
// every year we accept, independent of locale and TZ, and allocation-free.
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(CivilFromDays(0).year == 1970);
static_assert(CivilFromDays(DaysFromCivil(1, 1, 1)).year == 1);

constexpr bool IsLeapYear(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

constexpr int64_t kMinMicros = DaysFromCivil(1, 1, 1) * kMicrosPerDay;
constexpr int64_t kMaxMicros = (DaysFromCivil(9999, 12, 31) + 1) * kMicrosPerDay - 1;

constexpr std::string_view kAcceptedForm =
    "ISO 8601 like 2020-10-13T14:02:39.489Z (date, 'T' or a space, hh:mm:ss, an optional "
    "fraction, then 'Z', '+hh:mm', '-hh:mm' or no zone for UTC)";

Status BadForm(std::string_view text) {
  return Status::InvalidArgument("timestamp must be " + std::string(kAcceptedForm) + ", got " +
                                 QuoteForDetail(text));
}

// Reads `n` digits at `pos`; false when any of them is not a digit or the
// text is too short.
bool ReadDigits(std::string_view text, size_t pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsAsciiDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  out = v;
  return true;
}

void Write2(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text, DateOnly date_only) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day)) {
    return BadForm(text);
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return Status::InvalidArgument("timestamp " + QuoteForDetail(text) +
                                   " is not a calendar date (year 0001-9999, month 01-12, a "
                                   "day that the month has)");
  }
  const int64_t days = DaysFromCivil(year, month, day);

  if (text.size() == 10) {
    switch (date_only) {
      case DateOnly::kStartOfDay:
        return Timestamp{days * kMicrosPerDay};
      case DateOnly::kEndOfDay:
        return Timestamp{(days + 1) * kMicrosPerDay - 1};
      case DateOnly::kReject:
        return Status::InvalidArgument(
            "timestamp requires a time of day after the date, like 2020-10-13T14:02:39.489Z, "
            "got " +
            QuoteForDetail(text));
    }
  }

  const char sep = text[10];
  int hour = 0;
  int minute = 0;
  int second = 0;
  if ((sep != 'T' && sep != 't' && sep != ' ') || !ReadDigits(text, 11, 2, hour) ||
      text.size() < 17 || text[13] != ':' || !ReadDigits(text, 14, 2, minute) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, second)) {
    return BadForm(text);
  }

  size_t pos = 19;
  int64_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t first = pos;
    int64_t scale = 100'000;
    while (pos < text.size() && IsAsciiDigit(text[pos])) {
      // Digits beyond the microsecond are dropped, never rounded: rounding
      // could carry into the next second, day or year.
      fraction += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return BadForm(text);
  }

  int64_t offset_micros = 0;
  if (pos < text.size()) {
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
      ++pos;
    } else if (zone == '+' || zone == '-') {
      int zone_hour = 0;
      int zone_minute = 0;
      if (!ReadDigits(text, pos + 1, 2, zone_hour) || pos + 3 >= text.size() ||
          text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, zone_minute)) {
        return BadForm(text);
      }
      if (zone_hour > 23 || zone_minute > 59) {
        return Status::InvalidArgument("timestamp " + QuoteForDetail(text) +
                                       " has a zone offset out of range (+hh:mm or -hh:mm with "
                                       "hh 00-23 and mm 00-59)");
      }
      offset_micros = zone_hour * kMicrosPerHour + zone_minute * kMicrosPerMinute;
      if (zone == '-') offset_micros = -offset_micros;
      pos += 6;
    } else {
      return BadForm(text);
    }
  }
  if (pos != text.size()) return BadForm(text);

  if (hour > 23 || minute > 59 || second > 59) {
    return Status::InvalidArgument("timestamp " + QuoteForDetail(text) +
                                   " has a time of day out of range (hh 00-23, mm 00-59, "
                                   "ss 00-59; leap seconds are not accepted)");
  }

  const int64_t micros = days * kMicrosPerDay + hour * kMicrosPerHour + minute * kMicrosPerMinute +
                         second * kMicrosPerSecond + fraction - offset_micros;
  if (micros < kMinMicros || micros > kMaxMicros) {
    return Status::InvalidArgument("timestamp " + QuoteForDetail(text) +
                                   " is outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z "
                                   "once its zone offset is applied");
  }
  return Timestamp{micros};
}

// Values outside years 0001..9999 are clamped into them: they cannot come
// from ParseTimestamp, and clamping keeps the output at exactly
// kTimestampTextSize chars whatever the caller passes.
void FormatTimestamp(Timestamp ts, char* out) {
  const int64_t micros = std::clamp(ts.micros, kMinMicros, kMaxMicros);
  // Floor division, so instants before 1970 land on the right day.
  int64_t days = micros / kMicrosPerDay;
  int64_t of_day = micros % kMicrosPerDay;
  if (of_day < 0) {
    of_day += kMicrosPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  const int year = static_cast<int>(date.year);
  Write2(out, year / 100);
  Write2(out + 2, year % 100);
  out[4] = '-';
  Write2(out + 5, date.month);
  out[7] = '-';
  Write2(out + 8, date.day);
  out[10] = 'T';
  const int64_t seconds = of_day / kMicrosPerSecond;
  int fraction = static_cast<int>(of_day % kMicrosPerSecond);
  Write2(out + 11, static_cast<int>(seconds / 3600));
  out[13] = ':';
  Write2(out + 14, static_cast<int>(seconds / 60 % 60));
  out[16] = ':';
  Write2(out + 17, static_cast<int>(seconds % 60));
  out[19] = '.';
  for (int i = 25; i >= 20; --i) {
    out[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out[26] = 'Z';
}

std::string FormatTimestamp(Timestamp ts) {
  std::string out(kTimestampTextSize, '\0');
  FormatTimestamp(ts, out.data());
  return out;
}

}  // namespace dc
