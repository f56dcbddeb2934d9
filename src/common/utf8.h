#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dc {

// Decodes the UTF-8 sequence starting at text[i] into `cp` and advances `i`
// past it. Returns false (leaving `i`) for anything RFC 3629 forbids: stray
// continuation bytes, truncated sequences, overlong forms, surrogates and
// code points above U+10FFFF.
bool DecodeUtf8(std::string_view text, size_t& i, char32_t& cp);

// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD,
// for echoing client input inside JSON, which must be valid UTF-8.
std::string ToValidUtf8(std::string_view text);

}  // namespace dc
