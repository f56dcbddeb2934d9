// SqliteStore: ScanReadings, the raw readings of one input in a window.
// Ordered by timestamp it decodes the window's blocks in either direction
// and stops at the limit. Ordered by value it visits ts and value of every
// reading in the window and keeps the best `limit` in a bounded heap, then
// looks up each kept reading for the optional columns (when asked): memory
// O(limit), never a sort of the whole window.
#include <string>

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"
#include "storage/sqlite/top_by_value.h"
#include "storage/sqlite/window_split.h"

namespace dc {
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
  const MicrosRange range = WindowRange(scan.window);
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
  const MicrosRange range = WindowRange(scan.window);
  TopByValue top(static_cast<size_t>(scan.limit), scan.sort);
  DC_RETURN_IF_ERROR(
      ForEachStoredReading(**blocks, scan.input_pk, range.first, range.last, SortDirection::kAsc,
                           [&](const StoredReading& stored) {
                             top.Offer(RankedReading{.value = stored.reading.value,
                                                     .ts = stored.reading.timestamp.micros});
                             return true;
                           }));

  for (const RankedReading& ranked : top.TakeSorted()) {
    Reading reading;
    reading.timestamp = Timestamp{ranked.ts};
    reading.value = ranked.value;
    if (WantsOptionalColumns(scan)) {
      Result<std::optional<StoredReading>> stored = FindStored(**blocks, scan.input_pk, ranked.ts);
      if (!stored) return stored.error();
      // The snapshot still holds the reading the scan saw.
      if (!*stored) return Status::Internal("a scanned reading vanished within its transaction");
      reading = AsScanned((*stored)->reading, scan);
    }
    visit(reading);
  }
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

}  // namespace dc
