// SqliteStore: ScanReadings, the raw readings of one input in a window.
// Ordered by timestamp it decodes the window's blocks in either direction
// and stops at the limit. Ordered by value it visits ts and value of every
// reading in the window and keeps the best `limit` in a bounded heap, then
// reads the optional columns of the kept readings (when asked) from the
// blocks that hold them, each decoded once: memory O(limit), never a sort
// of the whole window.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/core/top_by_value.h"
#include "storage/core/window_split.h"
#include "storage/sqlite/block_table.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

bool WantsOptionalColumns(const RawScan& scan) {
  return scan.with_lat_long || scan.with_x_axis || scan.with_metadata;
}

// `stored` as the scan returns it: the optional columns only when asked.
Reading AsScanned(const Reading& stored, const RawScan& scan) {
  Reading reading;
  reading.timestamp = stored.timestamp;
  reading.value = stored.value;
  if (scan.with_lat_long) {
    reading.latitude = stored.latitude;
    reading.longitude = stored.longitude;
  }
  if (scan.with_x_axis) reading.x_axis_value = stored.x_axis_value;
  if (scan.with_metadata) reading.metadata = stored.metadata;
  return reading;
}

Status ScanByTimestamp(Reader& reader, const RawScan& scan,
                       const std::function<void(const Reading&)>& visit) {
  Result<Statement*> blocks = reader.Prepared(BlockReadSql(scan.sort));
  if (!blocks) return blocks.error();
  const storage::MicrosRange range = storage::WindowRange(scan.window);
  int64_t left = scan.limit;
  return ForEachStoredReading(**blocks, scan.input_pk, range.first, range.last, scan.sort,
                              [&](const StoredReading& stored) {
                                visit(AsScanned(stored.reading, scan));
                                return --left > 0;
                              });
}

// Runs inside a read transaction, so the lookups see the scan's snapshot.
Status ScanByValue(Reader& reader, const RawScan& scan,
                   const std::function<void(const Reading&)>& visit) {
  Result<Statement*> blocks = reader.Prepared(BlockReadSql(SortDirection::kAsc));
  if (!blocks) return blocks.error();
  const storage::MicrosRange range = storage::WindowRange(scan.window);
  storage::TopByValue top(static_cast<size_t>(scan.limit), scan.sort);
  DC_RETURN_IF_ERROR(ForEachStoredReading(**blocks, scan.input_pk, range.first, range.last,
                                          SortDirection::kAsc, [&](const StoredReading& stored) {
                                            top.Offer(storage::RankedReading{
                                                .value = stored.reading.value,
                                                .ts = stored.reading.timestamp.micros});
                                            return true;
                                          }));

  const std::vector<storage::RankedReading> kept = top.TakeSorted();
  if (!WantsOptionalColumns(scan)) {
    for (const storage::RankedReading& ranked : kept) {
      Reading reading;
      reading.timestamp = Timestamp{ranked.ts};
      reading.value = ranked.value;
      visit(reading);
    }
    return Status::Ok();
  }
  // The other columns of the kept readings, in one pass over the blocks
  // that hold them, each decoded once.
  std::vector<int64_t> wanted;
  wanted.reserve(kept.size());
  for (const storage::RankedReading& ranked : kept) wanted.push_back(ranked.ts);
  std::sort(wanted.begin(), wanted.end());
  std::unordered_map<int64_t, Reading> full;
  full.reserve(kept.size());
  DC_RETURN_IF_ERROR(
      ForEachStoredAt(**blocks, scan.input_pk, wanted, [&](const StoredReading& stored) {
        full.emplace(stored.reading.timestamp.micros, AsScanned(stored.reading, scan));
      }));
  // The snapshot still holds every reading the scan saw.
  if (full.size() != kept.size()) {
    return Status::Internal("a scanned reading vanished within its transaction");
  }
  for (const storage::RankedReading& ranked : kept) visit(full.at(ranked.ts));
  return Status::Ok();
}

}  // namespace
Status SqliteStore::ScanReadings(const RawScan& scan,
                                 const std::function<void(const Reading&)>& visit) {
  if (scan.limit < 0) {
    return Status::InvalidArgument("negative limit " + std::to_string(scan.limit));
  }
  if (scan.limit == 0) return Status::Ok();
  DC_RETURN_IF_ERROR(AwaitMerged(scan.input_pk));
  return WithReader([&](Reader& reader) -> Status {
    if (scan.order_by == OrderBy::kTimestamp) return ScanByTimestamp(reader, scan, visit);
    Result<Transaction> snapshot =
        Transaction::Begin(reader.connection().get(), TransactionKind::kRead);
    if (!snapshot) return snapshot.error();
    DC_RETURN_IF_ERROR(ScanByValue(reader, scan, visit));
    return snapshot->Commit();
  });
}

}  // namespace dc::sqlite
