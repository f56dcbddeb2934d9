#include "storage/sqlite/ingest_log_record.h"

#include <zlib.h>

#include <cstring>
#include <optional>

#include "storage/sqlite/reading_extras.h"

namespace dc::sqlite {
namespace {

constexpr size_t kHeaderSize = 8;
// A record larger than this is garbage, not a group: a commit holds at most
// IngestOptions::max_readings_per_commit readings of bounded size.
constexpr uint32_t kMaxPayload = 1u << 30;

uint32_t Crc(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// The smallest encoding of a reading: ts, id, value and flags.
constexpr size_t kMinLoggedReadingSize = 8 + 8 + 8 + 1;

std::optional<LoggedGroup> DecodePayload(std::string_view payload) {
  ByteCursor in(payload);
  LoggedGroup group;
  uint32_t batch_count = 0;
  if (!in.Get(group.seq) || !in.Get(batch_count)) return std::nullopt;
  for (uint32_t b = 0; b < batch_count; ++b) {
    IngestBatch batch;
    uint32_t count = 0;
    if (!in.Get(batch.input_pk) || !in.Get(count)) return std::nullopt;
    // Bounds the reservation below by what the payload can hold.
    if (count > in.left() / kMinLoggedReadingSize) return std::nullopt;
    batch.readings.resize(count);
    std::vector<int64_t> ids(count);
    for (uint32_t r = 0; r < count; ++r) {
      Reading& reading = batch.readings[r];
      if (!in.Get(reading.timestamp.micros) || !in.Get(ids[r]) || !in.Get(reading.value) ||
          !GetReadingExtras(in, reading)) {
        return std::nullopt;
      }
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
      PutReadingExtras(out, reading);
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

}  // namespace dc::sqlite
