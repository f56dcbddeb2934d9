#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc::sqlite {

// BlockMerger writes runs of new readings into reading_blocks
// (block_table.h). A run is one input's readings of one merge, timestamps
// strictly ascending. Each reading of the run goes to the stored block
// whose span holds it, or else to the block before the gap it falls in
// (the first block, for readings before every block). A block that gets
// readings is read, merged with them (a reading of the run replaces a
// stored one at the same timestamp, keeping the id it was given, which is
// the stored one's), deleted and written again, full blocks first; a full
// block that gets only readings after its end is left alone and they go to
// new blocks. Blocks that get nothing are not touched, so a run that spans
// a long stretch of history (a device that backfills old readings while
// sending new ones) costs the blocks it lands in, not those in between.
// The usual run, newer than everything stored, rewrites only the input's
// last block, or none when it is full, and appends new ones.
//
// Thread-compatible: one per writer, used inside its transactions. It
// holds only scratch memory, kept from merge to merge so that a bulk load
// does not fault in fresh pages for every run.
class BlockMerger {
 public:
  // Statements prepared on the writer connection: `spans` from
  // BlockRangeSql("rowid, first_ts, last_ts, count", kAsc) (a block's bytes
  // are read only when it is rewritten), `read` from kReadBlockSql,
  // `remove` from kDeleteBlockSql, `insert` from kInsertBlockSql.
  struct Statements {
    Statement& spans;
    Statement& read;
    Statement& remove;
    Statement& insert;
  };
  static const char* const kBlockSpansSql;   // rowid, first_ts, last_ts, count
  static const char* const kReadBlockSql;    // ?1 rowid
  static const char* const kDeleteBlockSql;  // ?1 rowid

  // Merges `run` into the blocks of `input_pk`, telling `hours` of every
  // reading whether it is new or replaced a stored one.
  Status Merge(const Statements& statements, int64_t input_pk, std::span<const StoredReading> run,
               storage::HourRollup& hours);

  // Scratch for the caller's run, reused like the merger's own.
  std::vector<StoredReading>& run() { return run_; }

  // Hands the scratch memory back, after a merge larger than usual.
  void ReleaseScratch() { *this = BlockMerger(); }

 private:
  struct Span {
    int64_t rowid;
    int64_t first_ts;
    int64_t last_ts;
    int64_t count;
  };

  // Writes `fresh`, none of them stored yet, as new blocks.
  Status InsertNew(const Statements& statements, int64_t input_pk,
                   std::span<const StoredReading> fresh, storage::HourRollup& hours);
  // Merges `part` into the stored block `span` and writes the result.
  Status MergeInto(const Statements& statements, int64_t input_pk, const Span& span,
                   std::span<const StoredReading> part, storage::HourRollup& hours);

  std::vector<StoredReading> run_;
  std::vector<Span> spans_;
  std::vector<StoredReading> stored_;
  std::vector<StoredReading> merged_;
  std::string buffer_;
};

}  // namespace dc::sqlite
