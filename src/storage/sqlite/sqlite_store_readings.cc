// SqliteStore: readings. WriteBatches is the hot path (group commit of many
// uploads), so it uses only statements prepared at open and binds every
// value; nothing is formatted per row. It keeps hour_stats in step in the
// same transaction: per row only an in-memory update, then one statement per
// touched hour (hour_stats.h).
#include <sqlite3.h>

#include <cmath>
#include <string>

#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc {
namespace {

// Checks what SQLite would not: a NaN binds as NULL (so a NaN latitude would
// silently vanish and a NaN value would fail as a NOT NULL violation).
Status CheckFinite(std::span<const IngestBatch* const> batches) {
  for (size_t b = 0; b < batches.size(); ++b) {
    if (batches[b] == nullptr) {
      return Status::InvalidArgument("batch " + std::to_string(b) + " is null");
    }
    const std::vector<Reading>& readings = batches[b]->readings;
    for (size_t r = 0; r < readings.size(); ++r) {
      const Reading& reading = readings[r];
      const char* field = nullptr;
      if (!std::isfinite(reading.value)) {
        field = "value";
      } else if (reading.latitude.has_value() && !std::isfinite(*reading.latitude)) {
        field = "latitude";
      } else if (reading.longitude.has_value() && !std::isfinite(*reading.longitude)) {
        field = "longitude";
      }
      if (field != nullptr) {
        return Status::InvalidArgument("reading " + std::to_string(r) + " of batch " +
                                       std::to_string(b) + ": " + field + " is not finite");
      }
    }
  }
  return Status::Ok();
}

// The INSERT and the UPDATE take the same parameters (the UPDATE ignores ?3).
void BindReading(Statement& write, int64_t input_pk, const Reading& reading, int64_t id) {
  write.BindInt64(1, input_pk);
  write.BindInt64(2, reading.timestamp.micros);
  write.BindInt64(3, id);
  write.BindDouble(4, reading.value);
  write.BindOptionalDouble(5, reading.latitude);
  write.BindOptionalDouble(6, reading.longitude);
  write.BindTextOrNull(7, reading.x_axis_value);
  write.BindTextOrNull(8, reading.metadata);
}

}  // namespace

Result<std::vector<std::vector<int64_t>>> SqliteStore::WriteBatches(
    std::span<const IngestBatch* const> batches) {
  DC_RETURN_IF_ERROR(CheckFinite(batches));
  std::vector<std::vector<int64_t>> ids(batches.size());
  if (batches.empty()) return ids;
  for (size_t b = 0; b < batches.size(); ++b) ids[b].reserve(batches[b]->readings.size());

  std::lock_guard<std::mutex> lock(writer_mu_);
  Writer& w = writer_;
  Result<Transaction> transaction = Transaction::Begin(w.connection.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();

  // readings has no foreign key (it would cost a lookup per row), so unknown
  // inputs are refused here, once per batch, before anything is written.
  for (size_t b = 0; b < batches.size(); ++b) {
    const int64_t input_pk = batches[b]->input_pk;
    if (b > 0 && batches[b - 1]->input_pk == input_pk) continue;
    StatementResetter reset(w.input_exists);
    w.input_exists.BindInt64(1, input_pk);
    Result<bool> exists = w.input_exists.Step("looking up an input");
    if (!exists) return exists.error();
    if (!*exists) {
      return Status::InvalidArgument("batch " + std::to_string(b) + ": no input has pk " +
                                     std::to_string(input_pk));
    }
  }

  // The counter is read under the write lock rather than cached in memory:
  // it is then right even after a COMMIT that failed but reached the disk,
  // or if another process wrote readings; a failed transaction needs nothing
  // restored. It costs one point lookup per call.
  int64_t next_id = 0;
  {
    StatementResetter reset(w.read_next_reading_id);
    Result<bool> row = w.read_next_reading_id.Step("reading next_reading_id");
    if (!row) return row.error();
    if (!*row) return Status::Internal("the meta row 'next_reading_id' is missing");
    next_id = w.read_next_reading_id.ColumnInt64(0);
  }
  const int64_t first_id = next_id;

  HourStatsChanges hour_changes;
  {
    // Reset on every path: drops the pointers into `batches`.
    StatementResetter reset_find(w.find_reading_id);
    StatementResetter reset_insert(w.insert_reading);
    StatementResetter reset_update(w.update_reading);
    for (size_t b = 0; b < batches.size(); ++b) {
      const IngestBatch& batch = *batches[b];
      for (const Reading& reading : batch.readings) {
        // Most readings are new: try the insert first (one b-tree descent);
        // only when the (input, timestamp) exists is its id looked up and
        // the reading replaced wholly under that id.
        Statement& insert = w.insert_reading;
        BindReading(insert, batch.input_pk, reading, next_id);
        DC_RETURN_IF_ERROR(insert.Run("storing a reading"));
        insert.Rewind();
        int64_t id = next_id;
        if (sqlite3_changes(w.connection.get()) > 0) {
          hour_changes.AddNew(batch.input_pk, reading.timestamp, reading.value);
          ++next_id;
        } else {
          Statement& find = w.find_reading_id;
          find.BindInt64(1, batch.input_pk);
          find.BindInt64(2, reading.timestamp.micros);
          Result<bool> found = find.Step("looking up a reading");
          if (!found) return found.error();
          if (!*found) return Status::Internal("a reading neither inserted nor found");
          id = find.ColumnInt64(0);
          find.Rewind();
          Statement& update = w.update_reading;
          BindReading(update, batch.input_pk, reading, id);
          DC_RETURN_IF_ERROR(update.Run("replacing a reading"));
          update.Rewind();
          hour_changes.AddReplaced(batch.input_pk, reading.timestamp);
        }
        ids[b].push_back(id);
      }
    }
  }

  // After every insert, so that a recomputed hour sees all of them.
  DC_RETURN_IF_ERROR(hour_changes.Apply(w.upsert_hour_stats, w.recompute_hour_stats));

  if (next_id != first_id) {
    StatementResetter reset(w.write_next_reading_id);
    w.write_next_reading_id.BindInt64(1, next_id);
    DC_RETURN_IF_ERROR(w.write_next_reading_id.Run("saving next_reading_id"));
  }
  DC_RETURN_IF_ERROR(transaction->Commit());
  return ids;
}

Result<std::optional<StoredReading>> SqliteStore::FindReading(int64_t input_pk, Timestamp ts) {
  return WithReader([&](Reader& reader) -> Result<std::optional<StoredReading>> {
    Result<Statement*> prepared = reader.Prepared(
        "SELECT id, value, latitude, longitude, x_axis_value, metadata FROM readings "
        "WHERE input_pk = ?1 AND ts = ?2");
    if (!prepared) return prepared.error();
    Statement& find = **prepared;
    StatementResetter reset(find);
    find.BindInt64(1, input_pk);
    find.BindInt64(2, ts.micros);
    Result<bool> row = find.Step("looking up a reading");
    if (!row) return row.error();
    if (!*row) return std::optional<StoredReading>();
    StoredReading stored;
    stored.id = find.ColumnInt64(0);
    stored.reading.timestamp = ts;
    stored.reading.value = find.ColumnDouble(1);
    stored.reading.latitude = find.ColumnOptionalDouble(2);
    stored.reading.longitude = find.ColumnOptionalDouble(3);
    stored.reading.x_axis_value = find.ColumnText(4);
    stored.reading.metadata = find.ColumnText(5);
    return std::optional<StoredReading>(std::move(stored));
  });
}

Result<int64_t> SqliteStore::CountReadings(int64_t input_pk) {
  return WithReader([&](Reader& reader) -> Result<int64_t> {
    Result<Statement*> prepared =
        reader.Prepared("SELECT count(*) FROM readings WHERE input_pk = ?1");
    if (!prepared) return prepared.error();
    Statement& count = **prepared;
    StatementResetter reset(count);
    count.BindInt64(1, input_pk);
    Result<bool> row = count.Step("counting readings");
    if (!row) return row.error();
    if (!*row) return Status::Internal("count(*) returned no row");
    return count.ColumnInt64(0);
  });
}

}  // namespace dc
