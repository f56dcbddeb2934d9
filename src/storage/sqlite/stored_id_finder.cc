#include "storage/sqlite/stored_id_finder.h"

#include <algorithm>

#include "storage/sqlite/block_table.h"

namespace dc {

Result<std::optional<int64_t>> StoredIdFinder::Find(int64_t input_pk, int64_t ts,
                                                    uint64_t merged_seq) {
  const bool hit = cached_ && input_pk == input_pk_ && merged_seq == merged_seq_ &&
                   first_ts_ <= ts && ts <= last_ts_;
  if (!hit) {
    StatementResetter reset(blocks_);
    blocks_.BindInt64(1, input_pk);
    blocks_.BindInt64(2, ts);
    blocks_.BindInt64(3, ts);
    Result<bool> row = blocks_.Step("looking up a reading");
    if (!row) return row.error();
    // No block starts at or before `ts`, or the one that does ends before.
    if (!*row || blocks_.ColumnInt64(1) < ts) return std::optional<int64_t>();
    DC_RETURN_IF_ERROR(DecodeBlockColumn(blocks_, 2, input_pk, block_));
    cached_ = true;
    input_pk_ = input_pk;
    first_ts_ = blocks_.ColumnInt64(0);
    last_ts_ = blocks_.ColumnInt64(1);
    merged_seq_ = merged_seq;
  }
  auto it = std::lower_bound(
      block_.begin(), block_.end(), ts,
      [](const StoredReading& stored, int64_t t) { return stored.reading.timestamp.micros < t; });
  if (it == block_.end() || it->reading.timestamp.micros != ts) return std::optional<int64_t>();
  return std::optional<int64_t>(it->id);
}

}  // namespace dc
