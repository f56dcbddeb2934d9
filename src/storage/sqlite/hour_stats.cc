#include "storage/sqlite/hour_stats.h"

#include <limits>

namespace dc {

const char* const kRawAggregateSql =
    "SELECT count(*), sum(value), min(value), max(value), "
    "min(ts), (SELECT value FROM readings WHERE input_pk = ?1 AND ts BETWEEN ?2 AND ?3 "
    "ORDER BY ts ASC LIMIT 1), "
    "max(ts), (SELECT value FROM readings WHERE input_pk = ?1 AND ts BETWEEN ?2 AND ?3 "
    "ORDER BY ts DESC LIMIT 1) "
    "FROM readings WHERE input_pk = ?1 AND ts BETWEEN ?2 AND ?3";

// The right-hand sides of DO UPDATE SET all see the row as it was before
// the update, so first_value is decided against the old first_ts.
const char* const kUpsertHourStatsSql =
    "INSERT INTO hour_stats(input_pk, hour, count, sum, min, max, first_ts, first_value, "
    "last_ts, last_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT(input_pk, hour) DO UPDATE SET "
    "count = hour_stats.count + excluded.count, "
    "sum = hour_stats.sum + excluded.sum, "
    "min = min(hour_stats.min, excluded.min), "
    "max = max(hour_stats.max, excluded.max), "
    "first_ts = min(hour_stats.first_ts, excluded.first_ts), "
    "first_value = CASE WHEN excluded.first_ts < hour_stats.first_ts "
    "THEN excluded.first_value ELSE hour_stats.first_value END, "
    "last_ts = max(hour_stats.last_ts, excluded.last_ts), "
    "last_value = CASE WHEN excluded.last_ts > hour_stats.last_ts "
    "THEN excluded.last_value ELSE hour_stats.last_value END";

std::string RecomputeHourStatsSql() {
  // ?4 is the hour. A recomputed hour always holds the reading that was
  // replaced, so the aggregate is never empty; were it empty, the NULL min
  // would fail the NOT NULL constraint and the transaction, loudly.
  return std::string(
             "INSERT OR REPLACE INTO hour_stats(input_pk, hour, count, sum, min, max, first_ts, "
             "first_value, last_ts, last_value) SELECT ?1, ?4, a.* FROM (") +
         kRawAggregateSql + ") AS a";
}

namespace {

int64_t SaturatingBucketStart(int64_t bucket, int64_t interval) {
  int64_t start = 0;
  if (__builtin_mul_overflow(bucket, interval, &start)) {
    return bucket < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
  return start;
}

}  // namespace

int64_t HourStart(int64_t hour) { return SaturatingBucketStart(hour, kMicrosPerHour); }

int64_t HourLast(int64_t hour) {
  if (hour == std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  const int64_t next = SaturatingBucketStart(hour + 1, kMicrosPerHour);
  return next == std::numeric_limits<int64_t>::max() ? next : next - 1;
}

int64_t AlignDown(int64_t micros, int64_t interval) {
  return SaturatingBucketStart(FloorDiv(micros, interval), interval);
}

int64_t AlignHourDown(int64_t hour, int64_t interval) {
  return SaturatingBucketStart(FloorDiv(hour, interval / kMicrosPerHour), interval);
}

Aggregate ColumnAggregate(const Statement& statement, int first_column) {
  Aggregate aggregate;
  aggregate.count = statement.ColumnInt64(first_column);
  if (aggregate.count == 0) return Aggregate();
  aggregate.sum = statement.ColumnDouble(first_column + 1);
  aggregate.min = statement.ColumnDouble(first_column + 2);
  aggregate.max = statement.ColumnDouble(first_column + 3);
  aggregate.first_ts = Timestamp{statement.ColumnInt64(first_column + 4)};
  aggregate.first = statement.ColumnDouble(first_column + 5);
  aggregate.last_ts = Timestamp{statement.ColumnInt64(first_column + 6)};
  aggregate.last = statement.ColumnDouble(first_column + 7);
  return aggregate;
}

Status HourStatsChanges::Apply(Statement& upsert, Statement& recompute) const {
  StatementResetter reset_upsert(upsert);
  StatementResetter reset_recompute(recompute);
  for (const auto& [key, change] : hours_) {
    const auto [input_pk, hour] = key;
    if (change.recompute) {
      recompute.BindInt64(1, input_pk);
      recompute.BindInt64(2, HourStart(hour));
      recompute.BindInt64(3, HourLast(hour));
      recompute.BindInt64(4, hour);
      DC_RETURN_IF_ERROR(recompute.Run("recomputing the statistics of an hour"));
      recompute.Rewind();
      continue;
    }
    const Aggregate& added = change.added;
    upsert.BindInt64(1, input_pk);
    upsert.BindInt64(2, hour);
    upsert.BindInt64(3, added.count);
    upsert.BindDouble(4, added.sum);
    upsert.BindDouble(5, added.min);
    upsert.BindDouble(6, added.max);
    upsert.BindInt64(7, added.first_ts.micros);
    upsert.BindDouble(8, added.first);
    upsert.BindInt64(9, added.last_ts.micros);
    upsert.BindDouble(10, added.last);
    DC_RETURN_IF_ERROR(upsert.Run("updating the statistics of an hour"));
    upsert.Rewind();
  }
  return Status::Ok();
}

}  // namespace dc
