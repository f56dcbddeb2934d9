#pragma once

#include <string>
#include <string_view>

namespace dc {

// Quotes client input for an error detail: 'like this'. Bytes outside
// printable ASCII are written as \xNN, so the detail stays valid UTF-8
// (and valid in a JSON error body) whatever the client sent, and input
// longer than 64 bytes is cut with "...", so an error cannot echo a megabyte
// back.
std::string QuoteForDetail(std::string_view text);

}  // namespace dc
