#include "api/gzip_body.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>

namespace dc::api {
namespace {

constexpr size_t kStep = 64 * 1024;

// One z_stream for one body; inflateEnd on every way out.
class Inflater {
 public:
  Inflater() {
    // 16 + MAX_WBITS: the gzip wrapper (header and CRC-32 trailer), not
    // zlib's own or raw deflate.
    ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

Status Corrupt(const char* why) {
  return Status::InvalidArgument(std::string("the gzip-coded body could not be decoded: ") + why);
}

Status TooLarge(size_t limit) {
  return Status::PayloadTooLarge("the body, once decoded from gzip, is over " +
                                 std::to_string(limit) + " bytes, the limit of this endpoint");
}

}  // namespace

Result<std::string> DecodeGzipBody(std::string_view compressed, size_t limit) {
  Inflater inflater;
  if (!inflater.ok()) return Status::Internal("zlib could not start inflating");
  z_stream& stream = inflater.stream();
  std::string out;
  std::array<unsigned char, kStep> step;
  // zlib counts input in uInt; a body over 4 GiB is far beyond every limit.
  if (compressed.size() > std::numeric_limits<uInt>::max()) return TooLarge(limit);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  if (stream.avail_in == 0) return Corrupt("the body is empty");
  while (true) {
    stream.next_out = step.data();
    stream.avail_out = static_cast<uInt>(step.size());
    const int rc = inflate(&stream, Z_NO_FLUSH);
    const size_t produced = step.size() - stream.avail_out;
    if (produced > limit - out.size()) return TooLarge(limit);
    if (out.size() + produced > out.capacity()) {
      // Grow geometrically, but never past the limit: a string that
      // doubled at 9 MiB of a 16 MiB limit would hold 18.
      out.reserve(std::min(limit, std::max(2 * out.capacity(), out.size() + produced)));
    }
    out.append(reinterpret_cast<const char*>(step.data()), produced);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) return out;
      // Another member follows, or garbage: the next inflate tells which.
      if (inflateReset(&stream) != Z_OK) return Corrupt("zlib could not reset");
      continue;
    }
    if (rc == Z_MEM_ERROR) return Status::Internal("zlib ran out of memory inflating a body");
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      // Room left for output and no input left: the body ended inside a
      // member.
      if (stream.avail_out > 0 && stream.avail_in == 0) return Corrupt("it is truncated");
      // No progress with input and room for output: nothing more will come.
      if (rc == Z_BUF_ERROR && stream.avail_out > 0) return Corrupt("invalid data");
      continue;
    }
    // Z_DATA_ERROR (a bad header, block or CRC), Z_NEED_DICT, Z_STREAM_ERROR.
    return Corrupt(stream.msg != nullptr ? stream.msg : "invalid data");
  }
}

}  // namespace dc::api
