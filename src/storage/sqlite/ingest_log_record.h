#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace dc::sqlite {

// One WriteBatches call as the ingest log holds it: its batches and the ids
// they were given, under a sequence number that orders calls.
struct LoggedGroup {
  uint64_t seq = 0;
  std::vector<IngestBatch> batches;
  std::vector<std::vector<int64_t>> ids;  // per batch, per reading
  size_t readings = 0;
};

// Readings in all of `groups`.
inline size_t ReadingsIn(std::span<const LoggedGroup> groups) {
  size_t readings = 0;
  for (const LoggedGroup& group : groups) readings += group.readings;
  return readings;
}

// The ingest log's record: an 8-byte header (payload size, CRC-32 of the
// payload, both 32-bit little-endian) then the payload: the sequence
// number, the batches, and per reading its timestamp, id, value, which
// optional fields are present, and those fields. One record is one
// WriteBatches call, so a group is replayed whole or, torn by a crash
// before its fsync, not at all.
//
// Appends the record of (seq, batches, ids) to `out`.
void AppendLogRecord(uint64_t seq, std::span<const IngestBatch* const> batches,
                     const std::vector<std::vector<int64_t>>& ids, std::string& out);

// Decodes the records at the start of `bytes` into `groups`, in order, up to
// the first that is incomplete, fails its checksum or does not parse: what
// follows a torn append is never read. Returns the number of bytes the
// whole records take.
size_t ReadLogRecords(std::string_view bytes, std::vector<LoggedGroup>& groups);

}  // namespace dc::sqlite
