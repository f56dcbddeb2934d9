#include "storage/sqlite/reading_block.h"

#include <cstdint>
#include <limits>

#include "storage/sqlite/byte_codec.h"
#include "storage/sqlite/reading_extras.h"

namespace dc {
namespace {

constexpr uint8_t kVersion = 1;
// The smallest encoding of a reading: a 1-byte timestamp and id, the value,
// the flags byte. Bounds what a count may claim before anything is
// allocated for it.
constexpr size_t kMinReadingSize = 1 + 1 + 8 + 1;

}  // namespace

void EncodeBlock(std::span<const StoredReading> readings, std::string& out) {
  Put<uint8_t>(out, kVersion);
  PutVarint(out, readings.size());
  int64_t previous_ts = 0;
  int64_t previous_id = 0;
  for (size_t i = 0; i < readings.size(); ++i) {
    const StoredReading& stored = readings[i];
    const int64_t ts = stored.reading.timestamp.micros;
    if (i == 0) {
      PutVarint(out, ZigZag(ts));
    } else {
      PutVarint(out, static_cast<uint64_t>(ts) - static_cast<uint64_t>(previous_ts));
    }
    PutVarint(out, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(stored.id) -
                                               static_cast<uint64_t>(previous_id))));
    Put<double>(out, stored.reading.value);
    PutReadingExtras(out, stored.reading);
    previous_ts = ts;
    previous_id = stored.id;
  }
}

bool DecodeBlock(std::string_view data, std::vector<StoredReading>& out) {
  out.clear();
  ByteCursor in(data);
  uint8_t version = 0;
  uint64_t count = 0;
  if (!in.Get(version) || version != kVersion || !in.GetVarint(count)) return false;
  if (count == 0 || count > in.left() / kMinReadingSize) return false;
  out.resize(count);
  int64_t previous_ts = 0;
  int64_t previous_id = 0;
  for (uint64_t i = 0; i < count; ++i) {
    StoredReading& stored = out[i];
    uint64_t ts_bits = 0;
    uint64_t id_bits = 0;
    if (!in.GetVarint(ts_bits) || !in.GetVarint(id_bits)) return false;
    if (i == 0) {
      stored.reading.timestamp.micros = UnZigZag(ts_bits);
    } else {
      // Strictly ascending, and no wrap past the largest timestamp.
      const uint64_t room = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) -
                            static_cast<uint64_t>(previous_ts);
      if (ts_bits == 0 || ts_bits > room) return false;
      stored.reading.timestamp.micros =
          static_cast<int64_t>(static_cast<uint64_t>(previous_ts) + ts_bits);
    }
    stored.id = static_cast<int64_t>(static_cast<uint64_t>(previous_id) +
                                     static_cast<uint64_t>(UnZigZag(id_bits)));
    if (!in.Get(stored.reading.value) || !GetReadingExtras(in, stored.reading)) return false;
    previous_ts = stored.reading.timestamp.micros;
    previous_id = stored.id;
  }
  return in.left() == 0;
}

}  // namespace dc
