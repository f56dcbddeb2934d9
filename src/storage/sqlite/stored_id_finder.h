#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc {

// StoredIdFinder answers, for WriteBatches, "has this input a stored
// reading at this timestamp, and with which id?" for readings that are not
// newer than everything stored. A timestamp between two blocks costs one
// index seek and no decoding; the last decoded block is kept, so a run of
// re-posted readings decodes each block it touches once.
//
// The kept block is from one snapshot of the tables. It is used only while
// `merged_seq` is what it was when the block was read: the caller reads
// merged_seq under the lock under which it found the key absent from the
// unmerged readings, so a key merged (and forgotten there) since the block
// was read is never missed.
//
// Thread-compatible; lives on the stack of one WriteBatches call.
class StoredIdFinder {
 public:
  // `blocks` is prepared from BlockReadSql(SortDirection::kAsc).
  explicit StoredIdFinder(Statement& blocks) : blocks_(blocks) {}

  Result<std::optional<int64_t>> Find(int64_t input_pk, int64_t ts, uint64_t merged_seq);

 private:
  Statement& blocks_;
  bool cached_ = false;
  int64_t input_pk_ = 0;
  int64_t first_ts_ = 0;
  int64_t last_ts_ = 0;
  uint64_t merged_seq_ = 0;
  std::vector<StoredReading> block_;
};

}  // namespace dc
