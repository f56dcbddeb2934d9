#include "storage/sqlite/ingest_log_record.h"

#include <zlib.h>

#include <bit>
#include <cstring>
#include <optional>

namespace dc {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the ingest log is written in the host's byte order, assumed little-endian");

constexpr size_t kHeaderSize = 8;
// A record larger than this is garbage, not a group: a commit holds at most
// IngestOptions::max_readings_per_commit readings of bounded size.
constexpr uint32_t kMaxPayload = 1u << 30;

enum Flags : uint8_t {
  kHasLatitude = 1,
  kHasLongitude = 2,
  kHasXAxis = 4,
  kHasMetadata = 8,
};

template <typename T>
void Put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void PutText(std::string& out, const std::string& text) {
  Put<uint32_t>(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

uint32_t Crc(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// Reads values off a payload; any read past its end fails the whole record.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : rest_(bytes) {}

  template <typename T>
  bool Get(T& value) {
    if (rest_.size() < sizeof(T)) return false;
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetText(std::string& text) {
    uint32_t size = 0;
    if (!Get(size) || rest_.size() < size) return false;
    text.assign(rest_.data(), size);
    rest_.remove_prefix(size);
    return true;
  }
  size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

// The smallest encoding of a reading: ts, id, value and flags.
constexpr size_t kMinReadingSize = 8 + 8 + 8 + 1;

std::optional<LoggedGroup> DecodePayload(std::string_view payload) {
  Cursor in(payload);
  LoggedGroup group;
  uint32_t batch_count = 0;
  if (!in.Get(group.seq) || !in.Get(batch_count)) return std::nullopt;
  for (uint32_t b = 0; b < batch_count; ++b) {
    IngestBatch batch;
    uint32_t count = 0;
    if (!in.Get(batch.input_pk) || !in.Get(count)) return std::nullopt;
    // Bounds the reservation below by what the payload can hold.
    if (count > in.left() / kMinReadingSize) return std::nullopt;
    batch.readings.resize(count);
    std::vector<int64_t> ids(count);
    for (uint32_t r = 0; r < count; ++r) {
      Reading& reading = batch.readings[r];
      uint8_t flags = 0;
      if (!in.Get(reading.timestamp.micros) || !in.Get(ids[r]) || !in.Get(reading.value) ||
          !in.Get(flags)) {
        return std::nullopt;
      }
      double number = 0;
      if ((flags & kHasLatitude) != 0) {
        if (!in.Get(number)) return std::nullopt;
        reading.latitude = number;
      }
      if ((flags & kHasLongitude) != 0) {
        if (!in.Get(number)) return std::nullopt;
        reading.longitude = number;
      }
      if ((flags & kHasXAxis) != 0 && !in.GetText(reading.x_axis_value)) return std::nullopt;
      if ((flags & kHasMetadata) != 0 && !in.GetText(reading.metadata)) return std::nullopt;
    }
    group.readings += count;
    group.batches.push_back(std::move(batch));
    group.ids.push_back(std::move(ids));
  }
  if (in.left() != 0) return std::nullopt;
  return group;
}

}  // namespace

void AppendLogRecord(uint64_t seq, std::span<const IngestBatch* const> batches,
                     const std::vector<std::vector<int64_t>>& ids, std::string& out) {
  const size_t start = out.size();
  out.append(kHeaderSize, '\0');
  Put<uint64_t>(out, seq);
  Put<uint32_t>(out, static_cast<uint32_t>(batches.size()));
  for (size_t b = 0; b < batches.size(); ++b) {
    const IngestBatch& batch = *batches[b];
    Put<int64_t>(out, batch.input_pk);
    Put<uint32_t>(out, static_cast<uint32_t>(batch.readings.size()));
    for (size_t r = 0; r < batch.readings.size(); ++r) {
      const Reading& reading = batch.readings[r];
      Put<int64_t>(out, reading.timestamp.micros);
      Put<int64_t>(out, ids[b][r]);
      Put<double>(out, reading.value);
      uint8_t flags = 0;
      if (reading.latitude) flags |= kHasLatitude;
      if (reading.longitude) flags |= kHasLongitude;
      if (!reading.x_axis_value.empty()) flags |= kHasXAxis;
      if (!reading.metadata.empty()) flags |= kHasMetadata;
      Put<uint8_t>(out, flags);
      if (reading.latitude) Put<double>(out, *reading.latitude);
      if (reading.longitude) Put<double>(out, *reading.longitude);
      if (!reading.x_axis_value.empty()) PutText(out, reading.x_axis_value);
      if (!reading.metadata.empty()) PutText(out, reading.metadata);
    }
  }
  const std::string_view payload(out.data() + start + kHeaderSize,
                                 out.size() - start - kHeaderSize);
  const uint32_t size = static_cast<uint32_t>(payload.size());
  const uint32_t crc = Crc(payload);
  std::memcpy(out.data() + start, &size, 4);
  std::memcpy(out.data() + start + 4, &crc, 4);
}

size_t ReadLogRecords(std::string_view bytes, std::vector<LoggedGroup>& groups) {
  size_t used = 0;
  while (bytes.size() - used >= kHeaderSize) {
    uint32_t size = 0;
    uint32_t crc = 0;
    std::memcpy(&size, bytes.data() + used, 4);
    std::memcpy(&crc, bytes.data() + used + 4, 4);
    if (size == 0 || size > kMaxPayload || bytes.size() - used - kHeaderSize < size) break;
    const std::string_view payload = bytes.substr(used + kHeaderSize, size);
    if (Crc(payload) != crc) break;
    std::optional<LoggedGroup> group = DecodePayload(payload);
    if (!group) break;
    groups.push_back(std::move(*group));
    used += kHeaderSize + size;
  }
  return used;
}

}  // namespace dc
