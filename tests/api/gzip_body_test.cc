// Decoding a gzip upload body (docs/api.md "Upload": Content-Encoding).

#include "api/gzip_body.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <string>

#include "support/gzip.h"

namespace dc::api {
namespace {

using dc::testing::GzipText;
using dc::testing::GzipZeros;

constexpr size_t kLimit = 1024 * 1024;

TEST(GzipBodyTest, DecodesABody) {
  const std::string body = R"({"data":{"type":"SensorData"}})";
  auto decoded = DecodeGzipBody(GzipText(body), kLimit);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(*decoded, body);
}

TEST(GzipBodyTest, DecodesMembersOneAfterAnother) {
  auto decoded = DecodeGzipBody(GzipText("abc") + GzipText("def"), kLimit);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(*decoded, "abcdef");
}

TEST(GzipBodyTest, ExactlyAtTheLimitIsDecodedOneByteOverIs413) {
  auto at = DecodeGzipBody(GzipText(std::string(kLimit, 'x')), kLimit);
  ASSERT_TRUE(at) << at.error().ToString();
  EXPECT_EQ(at->size(), kLimit);
  auto over = DecodeGzipBody(GzipText(std::string(kLimit + 1, 'x')), kLimit);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), Status::Code::kPayloadTooLarge);
}

// How long zlib takes to inflate all of `compressed`, into a scratch
// buffer that holds none of it: what decoding a bomb to its end would cost.
std::chrono::steady_clock::duration FullInflateTime(const std::string& compressed) {
  const auto start = std::chrono::steady_clock::now();
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string scratch(64 * 1024, '\0');
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(scratch.data());
    stream.avail_out = static_cast<uInt>(scratch.size());
    rc = inflate(&stream, Z_NO_FLUSH);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&stream);
  return std::chrono::steady_clock::now() - start;
}

TEST(GzipBodyTest, ABombStopsAtTheLimit) {
  // 256 MiB of zeros in about 256 KiB: decoding stops at the 1 MiB limit,
  // after at most 17 steps of 64 KiB, instead of inflating all of it.
  const std::string bomb = GzipZeros(256);
  ASSERT_LT(bomb.size(), 300u * 1024);
  const auto full = FullInflateTime(bomb);
  const auto start = std::chrono::steady_clock::now();
  auto decoded = DecodeGzipBody(bomb, kLimit);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), Status::Code::kPayloadTooLarge);
  // A 256th of the work; a quarter of the time leaves room for a loaded
  // machine and for ASan, which slows this code but not zlib's.
  EXPECT_LT(took, full / 4);
}

TEST(GzipBodyTest, TruncatedCorruptEmptyAndTrailingGarbageAre400) {
  const std::string good = GzipText(std::string(10'000, 'y') + "end");
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
  std::string bad_crc = good;
  bad_crc[good.size() - 6] = static_cast<char>(bad_crc[good.size() - 6] ^ 1);
  for (const std::string& body :
       {good.substr(0, good.size() - 1), good.substr(0, 10), flipped, bad_crc, std::string(),
        std::string("{\"data\":{}}"), good + "garbage"}) {
    SCOPED_TRACE(body.size());
    auto decoded = DecodeGzipBody(body, kLimit);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code(), Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace dc::api
