#pragma once

#include <string_view>

namespace dc::http {

// A header field's value, or one element of a list value, without the
// optional whitespace (spaces and tabs, RFC 9110 §5.6.3) around it.
inline std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace dc::http
