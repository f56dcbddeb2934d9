#include "storage/sqlite/block_merge.h"

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/reading_block.h"

namespace dc::sqlite {

const char* const BlockMerger::kReadBlockSql = "SELECT data FROM reading_blocks WHERE rowid = ?1";
const char* const BlockMerger::kDeleteBlockSql = "DELETE FROM reading_blocks WHERE rowid = ?1";

Status BlockMerger::Merge(const Statements& statements, int64_t input_pk,
                          std::span<const StoredReading> run, storage::HourRollup& hours) {
  if (run.empty()) return Status::Ok();
  spans_.clear();
  {
    Statement& select = statements.spans;
    StatementResetter reset(select);
    select.BindInt64(1, input_pk);
    select.BindInt64(2, run.front().reading.timestamp.micros);
    select.BindInt64(3, run.back().reading.timestamp.micros);
    while (true) {
      Result<bool> row = select.Step("finding the blocks a merge changes");
      if (!row) return row.error();
      if (!*row) break;
      spans_.push_back(Span{.rowid = select.ColumnInt64(0),
                            .first_ts = select.ColumnInt64(1),
                            .last_ts = select.ColumnInt64(2),
                            .count = select.ColumnInt64(3)});
    }
  }

  size_t r = 0;
  for (size_t i = 0; i < spans_.size(); ++i) {
    const Span& span = spans_[i];
    // The last block takes the rest (also a reading at the largest int64).
    const bool last = i + 1 == spans_.size();
    const size_t begin = r;
    while (r < run.size() && (last || run[r].reading.timestamp.micros < spans_[i + 1].first_ts)) {
      ++r;
    }
    const std::span<const StoredReading> part = run.subspan(begin, r - begin);
    if (part.empty()) continue;
    const bool reaches_into = part.front().reading.timestamp.micros <= span.last_ts;
    if (reaches_into || span.count < static_cast<int64_t>(kBlockReadings)) {
      DC_RETURN_IF_ERROR(MergeInto(statements, input_pk, span, part, hours));
      continue;
    }
    DC_RETURN_IF_ERROR(InsertNew(statements, input_pk, part, hours));
  }
  if (spans_.empty()) return InsertNew(statements, input_pk, run, hours);
  return Status::Ok();
}

Status BlockMerger::InsertNew(const Statements& statements, int64_t input_pk,
                              std::span<const StoredReading> fresh, storage::HourRollup& hours) {
  for (const StoredReading& stored : fresh) {
    hours.AddNew(input_pk, stored.reading.timestamp, stored.reading.value);
  }
  return InsertBlocks(statements.insert, input_pk, fresh, buffer_);
}

Status BlockMerger::MergeInto(const Statements& statements, int64_t input_pk, const Span& span,
                              std::span<const StoredReading> part, storage::HourRollup& hours) {
  {
    Statement& read = statements.read;
    StatementResetter reset(read);
    read.BindInt64(1, span.rowid);
    Result<bool> row = read.Step("reading a block a merge changes");
    if (!row) return row.error();
    if (!*row) return Status::Internal("a block vanished within its merge");
    DC_RETURN_IF_ERROR(DecodeBlockColumn(read, 0, input_pk, stored_));
  }

  merged_.clear();
  merged_.reserve(stored_.size() + part.size());
  size_t s = 0;
  for (const StoredReading& fresh : part) {
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
    Statement& remove = statements.remove;
    StatementResetter reset(remove);
    remove.BindInt64(1, span.rowid);
    DC_RETURN_IF_ERROR(remove.Run("replacing a block of readings"));
  }
  return InsertBlocks(statements.insert, input_pk, merged_, buffer_);
}

}  // namespace dc::sqlite
