#pragma once

#include <string_view>

namespace dc {

// ASCII-only case folding, for the tokens of HTTP and of query strings
// (header values, media types, codings, flag words): locale-free, so that
// "GZIP" is "gzip" whatever the process's locale says.
inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Clients nearly always send the lower-case spelling; a plain comparison
  // settles those without the per-character folding below.
  if (a == b) return true;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace dc
