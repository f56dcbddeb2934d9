#include "storage/sqlite/block_table.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "storage/sqlite/reading_block.h"

namespace dc::sqlite {
namespace {

Status DamagedBlock(int64_t input_pk) {
  return Status::Internal("a stored block of readings of input pk " + std::to_string(input_pk) +
                          " is damaged");
}

}  // namespace

std::string BlockRangeSql(std::string_view columns, SortDirection direction) {
  // The subquery is not correlated: SQLite evaluates it once, one index
  // seek for the block that may hold the window's start.
  return "SELECT " + std::string(columns) +
         " FROM reading_blocks WHERE input_pk = ?1 AND first_ts <= ?3 AND first_ts >= "
         "coalesce((SELECT max(first_ts) FROM reading_blocks WHERE input_pk = ?1 AND "
         "first_ts <= ?2), ?2) ORDER BY first_ts " +
         (direction == SortDirection::kAsc ? "ASC" : "DESC");
}

const std::string& BlockReadSql(SortDirection direction) {
  static const std::string asc = BlockRangeSql("first_ts, last_ts, data", SortDirection::kAsc);
  static const std::string desc = BlockRangeSql("first_ts, last_ts, data", SortDirection::kDesc);
  return direction == SortDirection::kAsc ? asc : desc;
}

const char* const kInsertBlockSql =
    "INSERT INTO reading_blocks(input_pk, first_ts, last_ts, count, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
const char* const kNewestTsSql =
    "SELECT last_ts FROM reading_blocks WHERE input_pk = ?1 ORDER BY first_ts DESC LIMIT 1";
const char* const kCountReadingsSql =
    "SELECT coalesce(sum(count), 0) FROM reading_blocks WHERE input_pk = ?1";

Status DecodeBlockColumn(const Statement& select, int column, int64_t input_pk,
                         std::vector<StoredReading>& out) {
  if (DecodeBlock(select.ColumnBlobView(column), out)) return Status::Ok();
  return DamagedBlock(input_pk);
}

Status InsertBlocks(Statement& insert, int64_t input_pk, std::span<const StoredReading> readings,
                    std::string& buffer) {
  StatementResetter reset(insert);
  for (size_t start = 0; start < readings.size(); start += kBlockReadings) {
    const std::span<const StoredReading> block =
        readings.subspan(start, std::min(kBlockReadings, readings.size() - start));
    buffer.clear();
    EncodeBlock(block, buffer);
    insert.BindInt64(1, input_pk);
    insert.BindInt64(2, block.front().reading.timestamp.micros);
    insert.BindInt64(3, block.back().reading.timestamp.micros);
    insert.BindInt64(4, static_cast<int64_t>(block.size()));
    insert.BindBlob(5, buffer);
    DC_RETURN_IF_ERROR(insert.Run("storing a block of readings"));
    insert.Rewind();
  }
  return Status::Ok();
}

Result<Aggregate> AggregateStored(Statement& blocks, int64_t input_pk, int64_t first,
                                  int64_t last) {
  Aggregate aggregate;
  Status status = ForEachStoredReading(
      blocks, input_pk, first, last, SortDirection::kAsc, [&](const StoredReading& stored) {
        aggregate.Add(stored.reading.timestamp, stored.reading.value);
        return true;
      });
  if (!status.ok()) return status;
  return aggregate;
}

Result<std::optional<StoredReading>> FindStored(Statement& blocks, int64_t input_pk, int64_t ts) {
  std::optional<StoredReading> found;
  Status status = ForEachStoredReading(blocks, input_pk, ts, ts, SortDirection::kAsc,
                                       [&](const StoredReading& stored) {
                                         found = stored;
                                         return false;
                                       });
  if (!status.ok()) return status;
  return found;
}

Status ForEachStoredAt(Statement& blocks, int64_t input_pk, std::span<const int64_t> wanted,
                       const std::function<void(const StoredReading&)>& visit) {
  std::vector<StoredReading> block;
  size_t i = 0;
  while (i < wanted.size()) {
    StatementResetter reset(blocks);
    blocks.BindInt64(1, input_pk);
    blocks.BindInt64(2, wanted[i]);
    blocks.BindInt64(3, wanted[i]);
    Result<bool> row = blocks.Step("reading a block of readings");
    if (!row) return row.error();
    // The last block starting at or before wanted[i] holds every wanted
    // timestamp up to its end; if it ends before wanted[i], or there is
    // none, wanted[i] is not stored.
    int64_t block_last = wanted[i];
    block.clear();
    if (*row && blocks.ColumnInt64(1) >= wanted[i]) {
      block_last = blocks.ColumnInt64(1);
      DC_RETURN_IF_ERROR(DecodeBlockColumn(blocks, 2, input_pk, block));
    }
    auto stored = block.begin();
    for (; i < wanted.size() && wanted[i] <= block_last; ++i) {
      stored = std::lower_bound(
          stored, block.end(), wanted[i],
          [](const StoredReading& r, int64_t ts) { return r.reading.timestamp.micros < ts; });
      if (stored != block.end() && stored->reading.timestamp.micros == wanted[i]) visit(*stored);
    }
  }
  return Status::Ok();
}

Result<KeyLookup> LookUpStoredKey(Statement& blocks, int64_t input_pk, int64_t ts) {
  StatementResetter reset(blocks);
  blocks.BindInt64(1, input_pk);
  blocks.BindInt64(2, ts);
  blocks.BindInt64(3, std::numeric_limits<int64_t>::max());  // rows come one step at a time
  KeyLookup found;
  Result<bool> row = blocks.Step("looking up a reading");
  if (!row) return row.error();
  if (!*row) return found;
  if (blocks.ColumnInt64(0) > ts) {  // no block starts at or before `ts`
    found.above = blocks.ColumnInt64(0);
    return found;
  }
  if (blocks.ColumnInt64(1) >= ts) {
    if (!FindIdInBlock(blocks.ColumnBlobView(2), ts, found)) return DamagedBlock(input_pk);
    return found;
  }
  // Between this block and the next: nothing is decoded.
  found.below = blocks.ColumnInt64(1);
  row = blocks.Step("looking up a reading");
  if (!row) return row.error();
  if (*row) found.above = blocks.ColumnInt64(0);
  return found;
}

}  // namespace dc::sqlite
