#include "common/quote.h"

namespace dc {

std::string QuoteForDetail(std::string_view text) {
  constexpr size_t kMaxQuoted = 64;
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (text.size() > kMaxQuoted) out += "...";
  out += "'";
  return out;
}

}  // namespace dc
