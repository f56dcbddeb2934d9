#pragma once

// The reading_blocks table (schema migration 4): each row is one block
// (reading_block.h) of one input, with its first and last timestamp and its
// reading count beside the bytes. The blocks of one input never overlap, so
// in first_ts order they are in time order, and the readings of a window
// [first, last] are in the blocks from the last one starting at or before
// `first` to the last one starting at or before `last`: one range scan of
// the (input_pk, first_ts) index.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "storage/sqlite/reading_block.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc::sqlite {

// SELECT `columns` of the blocks of input ?1 that may hold readings in
// [?2, ?3], in `direction` order of time.
std::string BlockRangeSql(std::string_view columns, SortDirection direction);
// The (first_ts, last_ts, data) form that ForEachStoredReading steps
// through.
const std::string& BlockReadSql(SortDirection direction);
// ?1 input_pk, ?2 first_ts, ?3 last_ts, ?4 count, ?5 data.
extern const char* const kInsertBlockSql;
extern const char* const kNewestTsSql;       // ?1 input_pk; no row when it has none
extern const char* const kCountReadingsSql;  // ?1 input_pk

// Decodes the block in column `column` of the current row of `select`;
// Internal, naming the input, when the bytes are not a block.
Status DecodeBlockColumn(const Statement& select, int column, int64_t input_pk,
                         std::vector<StoredReading>& out);

// Writes `readings` of one input (timestamps strictly ascending) as new
// blocks of kBlockReadings each, the last one holding the rest.
// `buffer` is scratch space, reused across calls.
Status InsertBlocks(Statement& insert, int64_t input_pk, std::span<const StoredReading> readings,
                    std::string& buffer);

// Calls `visit(const StoredReading&)` for the readings of `input_pk` in
// [first, last] in `direction` order of time, until it returns false.
// `blocks` is prepared from BlockReadSql(direction).
template <typename F>
Status ForEachStoredReading(Statement& blocks, int64_t input_pk, int64_t first, int64_t last,
                            SortDirection direction, F&& visit) {
  StatementResetter reset(blocks);
  blocks.BindInt64(1, input_pk);
  blocks.BindInt64(2, first);
  blocks.BindInt64(3, last);
  std::vector<StoredReading> block;
  while (true) {
    Result<bool> row = blocks.Step("reading readings");
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    // The block found for the window's start may end before it: a lookup
    // of a timestamp that falls between blocks decodes nothing.
    if (blocks.ColumnInt64(1) < first) {
      if (direction == SortDirection::kAsc) continue;
      return Status::Ok();
    }
    DC_RETURN_IF_ERROR(DecodeBlockColumn(blocks, 2, input_pk, block));
    if (direction == SortDirection::kAsc) {
      for (const StoredReading& stored : block) {
        const int64_t ts = stored.reading.timestamp.micros;
        if (ts < first) continue;
        if (ts > last || !visit(stored)) return Status::Ok();
      }
    } else {
      for (auto it = block.rbegin(); it != block.rend(); ++it) {
        const int64_t ts = it->reading.timestamp.micros;
        if (ts > last) continue;
        if (ts < first || !visit(*it)) return Status::Ok();
      }
    }
  }
}

// The aggregate of the readings of `input_pk` in [first, last]; `blocks` is
// prepared from BlockReadSql(SortDirection::kAsc).
Result<Aggregate> AggregateStored(Statement& blocks, int64_t input_pk, int64_t first, int64_t last);

// The stored reading of `input_pk` at `ts`, if any; `blocks` as above.
Result<std::optional<StoredReading>> FindStored(Statement& blocks, int64_t input_pk, int64_t ts);

// Calls `visit` for the stored reading of `input_pk` at each timestamp of
// `wanted` (ascending, distinct) that has one, in that order, decoding each
// block that holds any of them once; `blocks` as above.
Status ForEachStoredAt(Statement& blocks, int64_t input_pk, std::span<const int64_t> wanted,
                       const std::function<void(const StoredReading&)>& visit);

// Only its id, or else the stored timestamps either side of `ts`
// (KeyLookup): one index seek, and no decoding when `ts` falls between
// blocks; else a scan of the block up to `ts` that keeps nothing.
Result<KeyLookup> LookUpStoredKey(Statement& blocks, int64_t input_pk, int64_t ts);

}  // namespace dc::sqlite
