#include "storage/sqlite/reading_block.h"

#include <cstdint>
#include <limits>

#include "storage/sqlite/byte_codec.h"
#include "storage/sqlite/reading_extras.h"

namespace dc::sqlite {
namespace {

constexpr uint8_t kVersion = 1;
// The smallest encoding of a reading: a 1-byte timestamp and id, the value,
// the flags byte. Bounds what a count may claim before anything is
// allocated for it.
constexpr size_t kMinBlockReadingSize = 1 + 1 + 8 + 1;

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

namespace {

// Steps through a block's readings in order, every read checked.
class BlockCursor {
 public:
  explicit BlockCursor(std::string_view data) : in_(data) {}

  // Reads the version and the count; false when either is impossible.
  bool Start(uint64_t& count) {
    uint8_t version = 0;
    if (!in_.Get(version) || version != kVersion || !in_.GetVarint(count)) return false;
    return count != 0 && count <= in_.left() / kMinBlockReadingSize;
  }

  // Reads the next reading's timestamp and id, then its value and optional
  // fields into `reading`, or past them when it is null.
  bool Next(int64_t& ts, int64_t& id, Reading* reading) {
    uint64_t ts_bits = 0;
    uint64_t id_bits = 0;
    if (!in_.GetVarint(ts_bits) || !in_.GetVarint(id_bits)) return false;
    if (first_) {
      ts = UnZigZag(ts_bits);
      first_ = false;
    } else {
      // Strictly ascending, and no wrap past the largest timestamp.
      const uint64_t room = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) -
                            static_cast<uint64_t>(previous_ts_);
      if (ts_bits == 0 || ts_bits > room) return false;
      ts = static_cast<int64_t>(static_cast<uint64_t>(previous_ts_) + ts_bits);
    }
    id = static_cast<int64_t>(static_cast<uint64_t>(previous_id_) +
                              static_cast<uint64_t>(UnZigZag(id_bits)));
    previous_ts_ = ts;
    previous_id_ = id;
    if (reading == nullptr) return in_.Skip(sizeof(double)) && SkipReadingExtras(in_);
    return in_.Get(reading->value) && GetReadingExtras(in_, *reading);
  }

  bool AtEnd() const { return in_.left() == 0; }

 private:
  ByteCursor in_;
  bool first_ = true;
  int64_t previous_ts_ = 0;
  int64_t previous_id_ = 0;
};

}  // namespace

bool DecodeBlock(std::string_view data, std::vector<StoredReading>& out) {
  out.clear();
  BlockCursor cursor(data);
  uint64_t count = 0;
  if (!cursor.Start(count)) return false;
  out.resize(count);
  for (StoredReading& stored : out) {
    if (!cursor.Next(stored.reading.timestamp.micros, stored.id, &stored.reading)) return false;
  }
  return cursor.AtEnd();
}

bool FindIdInBlock(std::string_view data, int64_t ts, KeyLookup& found) {
  found = KeyLookup();
  BlockCursor cursor(data);
  uint64_t count = 0;
  if (!cursor.Start(count)) return false;
  for (uint64_t i = 0; i < count; ++i) {
    int64_t reading_ts = 0;
    int64_t reading_id = 0;
    if (!cursor.Next(reading_ts, reading_id, nullptr)) return false;
    if (reading_ts == ts) {
      found.id = reading_id;
      found.below.reset();
      return true;
    }
    if (reading_ts > ts) {
      found.above = reading_ts;
      return true;
    }
    found.below = reading_ts;
  }
  return cursor.AtEnd();
}

}  // namespace dc::sqlite
