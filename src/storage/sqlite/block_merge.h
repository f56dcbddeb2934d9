#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc {

// BlockMerger writes runs of new readings into reading_blocks
// (block_table.h). A run is one input's readings of one merge, timestamps
// strictly ascending. The blocks the run reaches into, from the last one
// starting at or before its first reading, are read, merged with it (a
// reading of the run replaces a stored one at the same timestamp, keeping
// the id it was given, which is the stored one's), deleted and written
// again, full blocks first. The usual run, newer than everything stored,
// thus rewrites only the input's last block and appends new ones.
//
// Thread-compatible: one per writer, used inside its transactions. It
// holds only scratch memory, kept from merge to merge so that a bulk load
// does not fault in fresh pages for every run.
class BlockMerger {
 public:
  // Statements prepared on the writer connection: `select` from
  // BlockRangeSql("rowid, last_ts, count, data", kAsc), `remove` from kDeleteBlockSql,
  // `insert` from kInsertBlockSql.
  struct Statements {
    Statement& select;
    Statement& remove;
    Statement& insert;
  };
  static const char* const kDeleteBlockSql;  // ?1 rowid

  // Merges `run` into the blocks of `input_pk`, telling `hours` of every
  // reading whether it is new or replaced a stored one.
  Status Merge(const Statements& statements, int64_t input_pk, std::span<const StoredReading> run,
               HourStatsChanges& hours);

  // Scratch for the caller's run, reused like the merger's own.
  std::vector<StoredReading>& run() { return run_; }

  // Hands the scratch memory back, after a merge larger than usual.
  void ReleaseScratch() { *this = BlockMerger(); }

 private:
  std::vector<StoredReading> run_;
  std::vector<StoredReading> block_;
  std::vector<StoredReading> stored_;
  std::vector<StoredReading> merged_;
  std::vector<int64_t> rowids_;
  std::string buffer_;
};

}  // namespace dc
