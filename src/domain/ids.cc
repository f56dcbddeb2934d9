#include "domain/ids.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/utf8.h"

namespace dc {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsControl(char32_t cp) { return cp <= 0x1F || cp == 0x7F; }

// Unicode White_Space outside the C0 controls (which are refused anyway):
// a name made of any of these looks empty to a person.
bool IsSpace(char32_t cp) {
  return cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Valid UTF-8 without control characters; `only_spaces` reports whether
// every character was a space (true for empty text).
bool IsCleanUtf8(std::string_view text, bool& only_spaces) {
  only_spaces = true;
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    if (!DecodeUtf8(text, i, cp) || IsControl(cp)) return false;
    if (!IsSpace(cp)) only_spaces = false;
  }
  return true;
}

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != upper[i]) return false;
  }
  return true;
}

}  // namespace

bool IsValidOrgId(std::string_view text) {
  // A leading '-' would read as an option on the command line.
  if (text.empty() || text.size() > 128 || text.front() == '-') return false;
  for (char c : text) {
    if (!IsAsciiAlnum(c) && c != '+' && c != '/' && c != '=' && c != '.' && c != '_' && c != '~' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

bool IsValidApiKey(std::string_view text) {
  if (text.size() < 16 || text.size() > 128) return false;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7E) return false;
  }
  return true;
}

bool IsValidInputId(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsValidName(std::string_view text) {
  if (text.empty() || text.size() > 200) return false;
  bool only_spaces = true;
  return IsCleanUtf8(text, only_spaces) && !only_spaces;
}

bool IsValidMeasureUnit(std::string_view text) {
  if (text.size() > 50) return false;
  bool only_spaces = true;
  return IsCleanUtf8(text, only_spaces);
}

std::optional<DataSource> ParseDataSource(std::string_view text) {
  if (EqualsIgnoreCase(text, "API")) return DataSource::kApi;
  if (EqualsIgnoreCase(text, "MQTT")) return DataSource::kMqtt;
  return std::nullopt;
}

}  // namespace dc
