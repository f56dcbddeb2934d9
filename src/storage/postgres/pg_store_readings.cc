// PgStore::WriteBatches: one transaction per call (a group commit of the
// ingest writer, which may run several calls at once on as many writer
// connections), never a round trip per reading:
//   1. the monthly partitions the readings need, in a transaction of their
//      own (pg_partitions.h);
//   2. BEGIN; the readings, one per (input, timestamp) — of several in one
//      call the last wins — with an id each, sorted by key (so that two
//      writers of the same keys lock them in the same order): one binary
//      COPY into readings when all are new; else, back at the savepoint,
//      COPY into the staging table and one INSERT ... ON CONFLICT upsert
//      that keeps a replaced reading's id (StoreReadings);
//   3. the hour aggregates: additions of new readings in one upsert, hours
//      where a reading was replaced locked, then recomputed from their
//      readings (StoreHours);
//   4. COMMIT, with synchronous_commit on: then, and only then, is the
//      call acknowledged. Any failure rolls everything back; a transaction
//      PostgreSQL ended to break a deadlock is tried again.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <tuple>

#include "domain/decimal.h"
#include "metrics/histogram.h"
#include "storage/core/batch_rules.h"
#include "storage/core/hour_math.h"
#include "storage/core/hour_rollup.h"
#include "storage/postgres/copy_binary.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/pg_transaction.h"

namespace dc::postgres {
namespace {

// A reading of the call, by its key; `last` is the one that wins.
struct Keyed {
  int64_t input_pk;
  int64_t ts;
  const Reading* reading;
  int64_t id = 0;  // proposed, then as stored
};
using KeyedMap = std::map<std::pair<int64_t, int64_t>, Keyed>;

// A stored hour sum is a double; one beyond its range is stored as NaN,
// which statistics never use (storage/core/statistics.h: the hour is then
// aggregated from its readings).
std::string StoredSum(long double sum) {
  const double as_double = static_cast<double>(sum);
  return std::isfinite(as_double) ? FormatShortest(as_double) : "NaN";
}

// PostgreSQL array literal of the given texts.
std::string ArrayOf(const std::vector<std::string>& items) {
  std::string text = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += ',';
    text += items[i];
  }
  return text + "}";
}

// Rows for hour_stats, in (input_pk, hour) order (HourRollup::Apply's), as
// the text parameters of a multi-row INSERT ... VALUES.
//
// VALUES rather than INSERT ... SELECT FROM unnest(arrays): Citus routes a
// multi-row VALUES insert row by row to the shards, but evaluates a SELECT
// from a function on the coordinator and pushes its rows through
// intermediate results: 320 ms a commit of 30 inputs against about 7 ms
// (docs/scaling.md, "Writes").
class HourRows {
 public:
  static constexpr size_t kColumns = 10;
  // PostgreSQL takes at most 65,535 parameters a statement.
  static constexpr size_t kRowsPerStatement = 6'000;

  void Add(int64_t input_pk, int64_t hour, const Aggregate& a) {
    params_.insert(
        params_.end(),
        {std::to_string(input_pk), std::to_string(hour), std::to_string(a.count), StoredSum(a.sum),
         FormatShortest(a.min), FormatShortest(a.max), std::to_string(a.first_ts.micros),
         FormatShortest(a.first), std::to_string(a.last_ts.micros), FormatShortest(a.last)});
  }
  // Upserts the rows, kRowsPerStatement at a time; `on_conflict` is the
  // statement's ON CONFLICT clause.
  Status Upsert(PgConnection& c, const std::string& on_conflict) const {
    const size_t rows = params_.size() / kColumns;
    for (size_t first = 0; first < rows; first += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, rows - first);
      const Params chunk(params_.begin() + static_cast<ptrdiff_t>(first * kColumns),
                         params_.begin() + static_cast<ptrdiff_t>((first + n) * kColumns));
      const std::string sql =
          "INSERT INTO hour_stats AS h VALUES " + Placeholders(n) + " " + on_conflict;
      Result<PgResult> done = c.Query(sql.c_str(), chunk, "storing hour aggregates");
      if (!done) return done.error();
    }
    return Status::Ok();
  }

 private:
  // "($1,...,$10),($11,...,$20),..." for `rows` rows.
  static std::string Placeholders(size_t rows) {
    std::string text;
    size_t next = 1;
    for (size_t r = 0; r < rows; ++r) {
      text += r == 0 ? "(" : ",(";
      for (size_t col = 0; col < kColumns; ++col) {
        if (col > 0) text += ',';
        text += '$';
        text += std::to_string(next++);
      }
      text += ')';
    }
    return text;
  }

  Params params_;  // row after row, kColumns each
};

// Adds the new readings' aggregates to the stored ones. Sums are added in
// double precision only while that cannot overflow (PostgreSQL raises an
// error where C gives infinity): else the sum is stored as NaN.
const std::string kAddHours =
    "ON CONFLICT (input_pk, hour) DO UPDATE SET count = h.count + EXCLUDED.count, "
    "sum = CASE WHEN abs(h.sum) <= 8.98846567431158e307 AND abs(EXCLUDED.sum) <= "
    "8.98846567431158e307 THEN h.sum + EXCLUDED.sum ELSE 'NaN'::float8 END, "
    "min = least(h.min, EXCLUDED.min), max = greatest(h.max, EXCLUDED.max), "
    "first_ts = least(h.first_ts, EXCLUDED.first_ts), "
    "first_value = CASE WHEN EXCLUDED.first_ts < h.first_ts THEN EXCLUDED.first_value "
    "ELSE h.first_value END, "
    "last_ts = greatest(h.last_ts, EXCLUDED.last_ts), "
    "last_value = CASE WHEN EXCLUDED.last_ts > h.last_ts THEN EXCLUDED.last_value "
    "ELSE h.last_value END";

const std::string kReplaceHours =
    "ON CONFLICT (input_pk, hour) DO UPDATE SET count = EXCLUDED.count, sum = EXCLUDED.sum, "
    "min = EXCLUDED.min, max = EXCLUDED.max, first_ts = EXCLUDED.first_ts, "
    "first_value = EXCLUDED.first_value, last_ts = EXCLUDED.last_ts, "
    "last_value = EXCLUDED.last_value";

constexpr const char* kCopyReadings =
    "COPY readings (input_pk, ts, id, value, latitude, longitude, x_axis_value, metadata) "
    "FROM STDIN (FORMAT binary)";

constexpr const char* kUpsertReadings =
    "INSERT INTO readings AS r (input_pk, ts, id, value, latitude, longitude, x_axis_value, "
    "metadata) SELECT input_pk, ts, id, value, latitude, longitude, x_axis_value, metadata "
    "FROM staging ORDER BY input_pk, ts "
    "ON CONFLICT (input_pk, ts) DO UPDATE SET value = EXCLUDED.value, "
    "latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, "
    "x_axis_value = EXCLUDED.x_axis_value, metadata = EXCLUDED.metadata "
    "RETURNING input_pk, ts, id";

void CopyRow(BinaryCopy& copy, const Keyed& k) {
  const Reading& r = *k.reading;
  copy.BeginRow(8);
  copy.Int8(k.input_pk);
  copy.Int8(k.ts);
  copy.Int8(k.id);
  copy.Float8(r.value);
  r.latitude ? copy.Float8(*r.latitude) : copy.Null();
  r.longitude ? copy.Float8(*r.longitude) : copy.Null();
  r.x_axis_value.empty() ? copy.Null() : copy.Text(r.x_axis_value);
  r.metadata.empty() ? copy.Null() : copy.Text(r.metadata);
}

// The aggregate of the stored readings of `input_pk` in [first, last].
Result<Aggregate> AggregateStored(PgConnection& c, int64_t input_pk, int64_t first, int64_t last) {
  Aggregate aggregate;
  Status read =
      c.QueryRows("SELECT ts, value FROM readings WHERE input_pk = $1 AND ts BETWEEN $2 AND $3",
                  {std::to_string(input_pk), std::to_string(first), std::to_string(last)},
                  "recomputing an hour's aggregate", [&](const PGresult* row) {
                    aggregate.Add(Timestamp{Int64At(row, 0, 0)}, DoubleAt(row, 0, 1));
                  });
  if (!read.ok()) return read;
  return aggregate;
}

// Locks the stored aggregate of (input_pk, hour) before it is recomputed,
// so that another server's readings of that hour, committed while this
// transaction waited, are in the recomputation (READ COMMITTED: each
// statement sees what was committed before it began) and none of its
// additions is overwritten.
Status LockHour(PgConnection& c, int64_t input_pk, int64_t hour) {
  Result<PgResult> locked =
      c.Query("SELECT 1 FROM hour_stats WHERE input_pk = $1 AND hour = $2 FOR UPDATE",
              {std::to_string(input_pk), std::to_string(hour)}, "recomputing an hour's aggregate");
  return locked ? Status::Ok() : locked.error();
}

// Stores the call's readings and says which are new and which replaced a
// stored one. Readings are nearly always new: then one binary COPY straight
// into readings is the whole cost (as cheap as a plain COPY gets). When a
// key is already stored the COPY fails on the primary key; the transaction
// goes back to its savepoint `all_new` and the readings take the upsert
// path: COPY into the staging table, one INSERT ... ON CONFLICT that keeps
// a replaced reading's id and returns every row's id.
Result<storage::HourRollup> StoreReadings(PgConnection& c, KeyedMap& by_key) {
  BinaryCopy copy;
  for (const auto& [key, keyed] : by_key) CopyRow(copy, keyed);
  const std::string data = copy.Finish();
  storage::HourRollup rollup;
  const Status all_new = c.CopyIn(kCopyReadings, data, "storing readings");
  if (all_new.ok()) {
    for (const auto& [key, keyed] : by_key) {
      rollup.AddNew(keyed.input_pk, keyed.reading->timestamp, keyed.reading->value);
    }
    return rollup;
  }
  // PostgreSQL says Conflict; Citus reports a worker's unique violation in
  // a COPY as an internal error (SQLSTATE XX000, multi_copy.c), so any
  // failure but a lost database takes the upsert path, which answers for
  // itself.
  if (all_new.IsUnavailable()) return all_new;
  DC_RETURN_IF_ERROR(c.Exec("ROLLBACK TO SAVEPOINT all_new", "storing readings"));
  DC_RETURN_IF_ERROR(c.CopyIn("COPY staging FROM STDIN (FORMAT binary)", data, "storing readings"));
  Result<PgResult> stored = c.Query(kUpsertReadings, {}, "storing readings");
  if (!stored) return stored.error();
  for (int i = 0; i < PQntuples(stored->get()); ++i) {
    Keyed& keyed = by_key.at({Int64At(stored->get(), i, 0), Int64At(stored->get(), i, 1)});
    const int64_t id = Int64At(stored->get(), i, 2);
    if (id == keyed.id) {
      rollup.AddNew(keyed.input_pk, keyed.reading->timestamp, keyed.reading->value);
    } else {
      rollup.AddReplaced(keyed.input_pk, keyed.reading->timestamp);
      keyed.id = id;  // a replacement keeps the stored reading's id
    }
  }
  return rollup;
}

}  // namespace

Status PgStore::CheckInputsExist(PgConnection& writer,
                                 std::span<const IngestBatch* const> batches) {
  std::vector<std::string> unknown;
  {
    std::lock_guard lock(inputs_mutex_);
    for (const IngestBatch* batch : batches) {
      if (!known_inputs_.contains(batch->input_pk))
        unknown.push_back(std::to_string(batch->input_pk));
    }
  }
  if (unknown.empty()) return Status::Ok();
  Result<PgResult> found = writer.Query("SELECT pk FROM inputs WHERE pk = ANY($1::bigint[])",
                                        {ArrayOf(unknown)}, "looking up inputs");
  if (!found) return found.error();
  std::lock_guard lock(inputs_mutex_);
  for (int i = 0; i < PQntuples(found->get()); ++i)
    known_inputs_.insert(Int64At(found->get(), i, 0));
  for (size_t b = 0; b < batches.size(); ++b) {
    if (!known_inputs_.contains(batches[b]->input_pk)) {
      return Status::InvalidArgument("batch " + std::to_string(b) + ": no input has pk " +
                                     std::to_string(batches[b]->input_pk));
    }
  }
  return Status::Ok();
}

namespace {

// One reading per key, the last of the call, and the months they fall in.
KeyedMap KeyReadings(std::span<const IngestBatch* const> batches,
                     std::set<MonthPartition>& months) {
  KeyedMap by_key;
  for (const IngestBatch* batch : batches) {
    for (const Reading& reading : batch->readings) {
      const int64_t ts = reading.timestamp.micros;
      by_key.insert_or_assign({batch->input_pk, ts}, Keyed{batch->input_pk, ts, &reading});
      if (auto month = MonthPartitionOf(ts)) months.insert(*month);
    }
  }
  return by_key;
}

// Hands out `fresh` ids in the order the call names its readings (a key's
// first mention), so that they increase along the answer.
void AssignIds(std::span<const IngestBatch* const> batches, KeyedMap& by_key,
               const std::vector<int64_t>& fresh) {
  size_t next = 0;
  for (const IngestBatch* batch : batches) {
    for (const Reading& reading : batch->readings) {
      Keyed& keyed = by_key.at({batch->input_pk, reading.timestamp.micros});
      if (keyed.id == 0) keyed.id = fresh[next++];
    }
  }
}

// Writes what `rollup` says to hour_stats: additions in one upsert, the
// hours where a reading was replaced recomputed from their readings.
Status StoreHours(PgConnection& c, const storage::HourRollup& rollup) {
  HourRows added, recomputed;
  DC_RETURN_IF_ERROR(rollup.Apply({
      .add =
          [&](int64_t input_pk, int64_t hour, const Aggregate& a) {
            added.Add(input_pk, hour, a);
            return Status::Ok();
          },
      .replace =
          [&](int64_t input_pk, int64_t hour, const Aggregate& a) {
            recomputed.Add(input_pk, hour, a);
            return Status::Ok();
          },
      .aggregate = [&](int64_t input_pk, int64_t first, int64_t last) -> Result<Aggregate> {
        DC_RETURN_IF_ERROR(LockHour(c, input_pk, storage::HourOf(first)));
        return AggregateStored(c, input_pk, first, last);
      },
  }));
  DC_RETURN_IF_ERROR(added.Upsert(c, kAddHours));
  return recomputed.Upsert(c, kReplaceHours);
}

// Each reading's id, per batch, in the batch's order.
std::vector<std::vector<int64_t>> IdsOf(std::span<const IngestBatch* const> batches,
                                        const KeyedMap& by_key) {
  std::vector<std::vector<int64_t>> ids(batches.size());
  for (size_t b = 0; b < batches.size(); ++b) {
    ids[b].reserve(batches[b]->readings.size());
    for (const Reading& reading : batches[b]->readings) {
      ids[b].push_back(by_key.at({batches[b]->input_pk, reading.timestamp.micros}).id);
    }
  }
  return ids;
}

// Tries of one call when PostgreSQL ends its transaction to break a
// deadlock with another writer (pg_connection.h, lost_a_race).
constexpr int kTries = 3;

}  // namespace

Result<std::vector<std::vector<int64_t>>> PgStore::WriteOnce(
    PgConnection& c, std::span<const IngestBatch* const> batches) {
  DC_RETURN_IF_ERROR(CheckInputsExist(c, batches));
  std::set<MonthPartition> months;
  KeyedMap by_key = KeyReadings(batches, months);
  DC_RETURN_IF_ERROR(partitions_.Ensure(c, months));
  Result<std::vector<int64_t>> fresh = TakeIds(c, by_key.size());
  if (!fresh) return fresh.error();
  AssignIds(batches, by_key, *fresh);

  Result<PgTransaction> transaction =
      PgTransaction::Begin(c, "storing readings", "BEGIN; SAVEPOINT all_new");
  if (!transaction) return transaction.error();
  Result<storage::HourRollup> rollup = StoreReadings(c, by_key);
  if (!rollup) return rollup.error();
  DC_RETURN_IF_ERROR(StoreHours(c, *rollup));
  // The commit is the durable step here: with synchronous_commit on it
  // returns once PostgreSQL has flushed its WAL.
  const auto commit_start = std::chrono::steady_clock::now();
  DC_RETURN_IF_ERROR(transaction->Commit("storing readings"));
  if (options_.sync_seconds != nullptr) {
    options_.sync_seconds->ObserveDuration(std::chrono::steady_clock::now() - commit_start);
  }
  return IdsOf(batches, by_key);
}

Result<std::vector<std::vector<int64_t>>> PgStore::WriteBatches(
    std::span<const IngestBatch* const> batches) {
  DC_RETURN_IF_ERROR(storage::CheckBatches(batches));
  size_t total = 0;
  for (const IngestBatch* batch : batches) total += batch->readings.size();
  if (total == 0) return std::vector<std::vector<int64_t>>(batches.size());
  Result<PgLease> writer = Writer();
  if (!writer) return writer.error();
  Result<std::vector<std::vector<int64_t>>> written = WriteOnce(**writer, batches);
  for (int tried = 1;
       !written && written.error().IsUnavailable() && (*writer)->lost_a_race() && tried < kTries;
       ++tried) {
    written = WriteOnce(**writer, batches);
  }
  // A failure of the database, not of the call's data, is what /readyz reports.
  if (!written && !written.error().IsInvalidArgument()) {
    write_failing_.store(true, std::memory_order_relaxed);
  } else if (written) {
    write_failing_.store(false, std::memory_order_relaxed);
  }
  return written;
}

}  // namespace dc::postgres
