#include "storage/sqlite/block_merge.h"

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/reading_block.h"

namespace dc {

const char* const BlockMerger::kDeleteBlockSql = "DELETE FROM reading_blocks WHERE rowid = ?1";

Status BlockMerger::Merge(const Statements& statements, int64_t input_pk,
                          std::span<const StoredReading> run, HourStatsChanges& hours) {
  Statement& select = statements.select;
  Statement& remove = statements.remove;
  if (run.empty()) return Status::Ok();
  stored_.clear();
  rowids_.clear();
  {
    StatementResetter reset(select);
    select.BindInt64(1, input_pk);
    select.BindInt64(2, run.front().reading.timestamp.micros);
    select.BindInt64(3, run.back().reading.timestamp.micros);
    while (true) {
      Result<bool> row = select.Step("reading the blocks a merge changes");
      if (!row) return row.error();
      if (!*row) break;
      // A full block that ends before the run stays as it is: appending
      // to an input whose last block is full rewrites nothing.
      if (rowids_.empty() && select.ColumnInt64(1) < run.front().reading.timestamp.micros &&
          select.ColumnInt64(2) >= static_cast<int64_t>(kBlockReadings)) {
        continue;
      }
      rowids_.push_back(select.ColumnInt64(0));
      DC_RETURN_IF_ERROR(DecodeBlockColumn(select, 3, input_pk, block_));
      stored_.insert(stored_.end(), std::make_move_iterator(block_.begin()),
                     std::make_move_iterator(block_.end()));
    }
  }

  merged_.clear();
  merged_.reserve(stored_.size() + run.size());
  size_t s = 0;
  for (const StoredReading& fresh : run) {
    const int64_t ts = fresh.reading.timestamp.micros;
    while (s < stored_.size() && stored_[s].reading.timestamp.micros < ts) {
      merged_.push_back(std::move(stored_[s++]));
    }
    if (s < stored_.size() && stored_[s].reading.timestamp.micros == ts) {
      ++s;
      hours.AddReplaced(input_pk, fresh.reading.timestamp);
    } else {
      hours.AddNew(input_pk, fresh.reading.timestamp, fresh.reading.value);
    }
    merged_.push_back(fresh);
  }
  while (s < stored_.size()) merged_.push_back(std::move(stored_[s++]));

  {
    StatementResetter reset(remove);
    for (const int64_t rowid : rowids_) {
      remove.BindInt64(1, rowid);
      DC_RETURN_IF_ERROR(remove.Run("replacing a block of readings"));
      remove.Rewind();
    }
  }
  return InsertBlocks(statements.insert, input_pk, merged_, buffer_);
}

}  // namespace dc
