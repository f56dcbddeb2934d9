// Fuzzes DecodeBlock, which reads the reading blocks back from the database
// file: a damaged block must be refused or read, never read beyond. A block
// that decodes is passed through the codec again, since the merge rewrites
// blocks it has read: what it writes must decode to exactly the readings it
// read, or a rewrite would silently change stored data; and a lookup in it
// must find what the decoder found.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "same_reading.h"
#include "storage/sqlite/reading_block.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t index) {
  std::fprintf(stderr, "reading_block_fuzzer: reading %zu: %s\n", index, what);
  std::abort();
}

void ExpectSame(const std::vector<dc::StoredReading>& got,
                const std::vector<dc::StoredReading>& want) {
  if (got.size() != want.size()) Fail("re-encoded block has another count", got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i].id != want[i].id) Fail("id changed", i);
    if (!dc::fuzz::SameReading(got[i].reading, want[i].reading)) Fail("reading changed", i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<dc::StoredReading> readings;
  if (!dc::sqlite::DecodeBlock(bytes, readings)) return 0;

  if (readings.empty()) Fail("accepted a block without readings", 0);
  // EncodeBlock's precondition, so the re-encoding below is legitimate.
  for (size_t i = 1; i < readings.size(); ++i) {
    if (readings[i - 1].reading.timestamp >= readings[i].reading.timestamp) {
      Fail("timestamps not strictly ascending", i);
    }
  }

  std::string encoded;
  dc::sqlite::EncodeBlock(readings, encoded);
  // The decoder takes longer spellings than the encoder writes (a varint
  // with redundant high groups, an optional text present but empty), never
  // shorter ones.
  if (encoded.size() > size) Fail("re-encoding is longer than the input", readings.size());
  std::vector<dc::StoredReading> again;
  if (!dc::sqlite::DecodeBlock(encoded, again)) Fail("re-encoded block refused", 0);
  ExpectSame(again, readings);
  // The encoder's spelling is the one spelling: encoding again changes
  // nothing.
  std::string twice;
  dc::sqlite::EncodeBlock(again, twice);
  if (twice != encoded) Fail("second re-encoding differs from the first", 0);
  // A lookup reads the same bytes another way: it must find every reading
  // the decoder found, with the same id, and just after each one that is
  // not followed by the next timestamp, nothing but the two neighbours.
  for (size_t i = 0; i < readings.size(); ++i) {
    const int64_t ts = readings[i].reading.timestamp.micros;
    dc::sqlite::KeyLookup found;
    if (!dc::sqlite::FindIdInBlock(bytes, ts, found))
      Fail("lookup refused a block the decoder read", i);
    if (found.id != readings[i].id) Fail("lookup found another id", i);
    if (ts == std::numeric_limits<int64_t>::max()) continue;
    const bool last = i + 1 == readings.size();
    if (!last && readings[i + 1].reading.timestamp.micros == ts + 1) continue;
    if (!dc::sqlite::FindIdInBlock(bytes, ts + 1, found))
      Fail("lookup between readings refused", i);
    const std::optional<int64_t> above =
        last ? std::nullopt : std::optional<int64_t>(readings[i + 1].reading.timestamp.micros);
    if (found.id || found.below != ts || found.above != above) {
      Fail("lookup between readings found other neighbours", i);
    }
  }
  return 0;
}
