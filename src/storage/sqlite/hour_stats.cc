#include "storage/sqlite/hour_stats.h"

#include <limits>
#include <optional>

namespace dc::sqlite {

// The right-hand sides of DO UPDATE SET all see the row as it was before
// the update, so first_value is decided against the old first_ts. A sum
// that overflows becomes +-Inf by itself; Inf - Inf is NaN, which SQLite
// makes NULL, which the NOT NULL column would refuse, failing the whole
// merge (every input's readings with it): it is kept as +Inf instead.
const char* const kUpsertHourStatsSql =
    "INSERT INTO hour_stats(input_pk, hour, count, sum, min, max, first_ts, first_value, "
    "last_ts, last_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT(input_pk, hour) DO UPDATE SET "
    "count = hour_stats.count + excluded.count, "
    "sum = coalesce(hour_stats.sum + excluded.sum, 9e999), "
    "min = min(hour_stats.min, excluded.min), "
    "max = max(hour_stats.max, excluded.max), "
    "first_ts = min(hour_stats.first_ts, excluded.first_ts), "
    "first_value = CASE WHEN excluded.first_ts < hour_stats.first_ts "
    "THEN excluded.first_value ELSE hour_stats.first_value END, "
    "last_ts = max(hour_stats.last_ts, excluded.last_ts), "
    "last_value = CASE WHEN excluded.last_ts > hour_stats.last_ts "
    "THEN excluded.last_value ELSE hour_stats.last_value END";

// A recomputed hour always holds the reading that was replaced, so its
// aggregate is never empty.
const char* const kReplaceHourStatsSql =
    "INSERT OR REPLACE INTO hour_stats(input_pk, hour, count, sum, min, max, first_ts, "
    "first_value, last_ts, last_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

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

namespace {

// What a row keeps of `aggregate`'s sum: the nearest double, or the
// infinity of its sign beyond the double range.
double RowSum(const Aggregate& aggregate) {
  if (std::optional<double> sum = aggregate.Sum()) return *sum;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  return aggregate.sum < 0 ? -kInfinity : kInfinity;
}

Status WriteHour(Statement& write, int64_t input_pk, int64_t hour, const Aggregate& aggregate,
                 const char* what) {
  write.BindInt64(1, input_pk);
  write.BindInt64(2, hour);
  write.BindInt64(3, aggregate.count);
  write.BindDouble(4, RowSum(aggregate));
  write.BindDouble(5, aggregate.min);
  write.BindDouble(6, aggregate.max);
  write.BindInt64(7, aggregate.first_ts.micros);
  write.BindDouble(8, aggregate.first);
  write.BindInt64(9, aggregate.last_ts.micros);
  write.BindDouble(10, aggregate.last);
  DC_RETURN_IF_ERROR(write.Run(what));
  write.Rewind();
  return Status::Ok();
}

}  // namespace

Status ApplyHourRollup(
    const storage::HourRollup& rollup, Statement& upsert, Statement& replace,
    const std::function<Result<Aggregate>(int64_t, int64_t, int64_t)>& aggregate) {
  StatementResetter reset_upsert(upsert);
  StatementResetter reset_replace(replace);
  return rollup.Apply(storage::HourRollup::Callbacks{
      .add =
          [&](int64_t input_pk, int64_t hour, const Aggregate& added) {
            return WriteHour(upsert, input_pk, hour, added, "updating the statistics of an hour");
          },
      .replace =
          [&](int64_t input_pk, int64_t hour, const Aggregate& recomputed) {
            return WriteHour(replace, input_pk, hour, recomputed,
                             "recomputing the statistics of an hour");
          },
      .aggregate = aggregate,
  });
}

}  // namespace dc::sqlite
