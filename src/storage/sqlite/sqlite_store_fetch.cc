// SqliteStore: ScanReadings, the raw readings of one input in a window.
// Ordered by timestamp it is one range scan of the (input_pk, ts) key, in
// either direction, with LIMIT. Ordered by value it is one scan of the
// window that reads only ts and value and keeps the best `limit` in a
// bounded heap, then a key lookup per kept reading for the optional columns
// (when asked): memory O(limit), never a sort of the whole window.
#include <limits>
#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"
#include "storage/sqlite/top_by_value.h"

namespace dc {
namespace {

// The optional columns `scan` asks for, comma-separated after a leading
// comma; empty when none. Columns not asked for are not read: metadata may
// live in overflow pages.
std::string OptionalColumns(const RawScan& scan) {
  std::string columns;
  if (scan.with_lat_long) columns += ", latitude, longitude";
  if (scan.with_x_axis) columns += ", x_axis_value";
  if (scan.with_metadata) columns += ", metadata";
  return columns;
}

bool WantsOptionalColumns(const RawScan& scan) {
  return scan.with_lat_long || scan.with_x_axis || scan.with_metadata;
}

// Reads the columns OptionalColumns() lists, from `column` on.
void ReadOptionalColumns(const Statement& row, int column, const RawScan& scan, Reading& reading) {
  if (scan.with_lat_long) {
    reading.latitude = row.ColumnOptionalDouble(column++);
    reading.longitude = row.ColumnOptionalDouble(column++);
  }
  if (scan.with_x_axis) reading.x_axis_value = row.ColumnText(column++);
  if (scan.with_metadata) reading.metadata = row.ColumnText(column++);
}

void BindWindow(Statement& statement, const RawScan& scan) {
  statement.BindInt64(1, scan.input_pk);
  statement.BindInt64(
      2, scan.window.start ? scan.window.start->micros : std::numeric_limits<int64_t>::min());
  statement.BindInt64(
      3, scan.window.finish ? scan.window.finish->micros : std::numeric_limits<int64_t>::max());
}

Status ScanByTimestamp(Reader& reader, const RawScan& scan,
                       const std::function<void(const Reading&)>& visit) {
  const std::string sql =
      "SELECT ts, value" + OptionalColumns(scan) +
      " FROM readings WHERE input_pk = ?1 AND ts BETWEEN ?2 AND ?3 ORDER BY ts " +
      (scan.sort == SortDirection::kAsc ? "ASC" : "DESC") + " LIMIT ?4";
  Result<Statement*> prepared = reader.Prepared(sql);
  if (!prepared) return prepared.error();
  Statement& select = **prepared;
  StatementResetter reset(select);
  BindWindow(select, scan);
  select.BindInt64(4, scan.limit);
  while (true) {
    Result<bool> row = select.Step("scanning readings");
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    Reading reading;
    reading.timestamp = Timestamp{select.ColumnInt64(0)};
    reading.value = select.ColumnDouble(1);
    ReadOptionalColumns(select, 2, scan, reading);
    visit(reading);
  }
}

// Runs inside a read transaction, so the lookups see the scan's snapshot.
Status ScanByValue(Reader& reader, const RawScan& scan,
                   const std::function<void(const Reading&)>& visit) {
  TopByValue top(static_cast<size_t>(scan.limit), scan.sort);
  {
    Result<Statement*> prepared = reader.Prepared(
        "SELECT ts, value FROM readings WHERE input_pk = ?1 AND ts BETWEEN ?2 AND ?3");
    if (!prepared) return prepared.error();
    Statement& select = **prepared;
    StatementResetter reset(select);
    BindWindow(select, scan);
    while (true) {
      Result<bool> row = select.Step("scanning readings by value");
      if (!row) return row.error();
      if (!*row) break;
      top.Offer(RankedReading{.value = select.ColumnDouble(1), .ts = select.ColumnInt64(0)});
    }
  }

  Statement* lookup = nullptr;
  if (WantsOptionalColumns(scan)) {
    Result<Statement*> prepared = reader.Prepared("SELECT 0" + OptionalColumns(scan) +
                                                  " FROM readings WHERE input_pk = ?1 AND ts = ?2");
    if (!prepared) return prepared.error();
    lookup = *prepared;
  }
  for (const RankedReading& ranked : top.TakeSorted()) {
    Reading reading;
    reading.timestamp = Timestamp{ranked.ts};
    reading.value = ranked.value;
    if (lookup != nullptr) {
      StatementResetter reset(*lookup);
      lookup->BindInt64(1, scan.input_pk);
      lookup->BindInt64(2, ranked.ts);
      Result<bool> row = lookup->Step("reading the columns of a reading");
      if (!row) return row.error();
      // The snapshot still holds the row the scan saw.
      if (!*row) return Status::Internal("a scanned reading vanished within its transaction");
      ReadOptionalColumns(*lookup, 1, scan, reading);
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
