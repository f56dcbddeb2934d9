#include "support/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace dc::testing {
namespace {

// Deflates what `feed` hands out, piece by piece, into one gzip member.
template <class Feed>
std::string Deflate(int level, Feed feed) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  char buffer[64 * 1024];
  bool last = false;
  while (!last) {
    const std::string* piece = feed(&last);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece->data()));
    stream.avail_in = static_cast<uInt>(piece->size());
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return out;
}

}  // namespace

std::string GzipText(const std::string& text) {
  return Deflate(Z_BEST_COMPRESSION, [&text](bool* last) {
    *last = true;
    return &text;
  });
}

std::string GzipZeros(size_t mebibytes) {
  const std::string zeros(1024 * 1024, '\0');
  size_t left = mebibytes;
  return Deflate(Z_BEST_COMPRESSION, [&](bool* last) {
    *last = --left == 0;
    return &zeros;
  });
}

}  // namespace dc::testing
