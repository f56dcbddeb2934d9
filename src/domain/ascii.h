#pragma once

namespace dc {

// '0'..'9' only, whatever the locale (std::isdigit consults it).
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace dc
