// SqliteStore: Statistics. The whole hours of a window come from hour_stats
// (one range scan of its (input_pk, hour) key), only the partial hours at
// the window's edges from raw readings (SplitWindow), so a window of months
// reads a few thousand rows instead of millions. Buckets of an interval that
// is a whole number of hours are built the same way; other intervals
// aggregate the raw readings of the window in one ordered scan, stopping as
// soon as max_buckets buckets are complete. Everything runs in one read
// transaction, so the parts agree with each other.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"
#include "storage/sqlite/window_split.h"

namespace dc::sqlite {
namespace {

constexpr const char* kHourRowsSql =
    "SELECT hour, count, sum, min, max, first_ts, first_value, last_ts, last_value "
    "FROM hour_stats WHERE input_pk = ?1 AND hour BETWEEN ?2 AND ?3 ORDER BY hour";

// The non-empty buckets of a statistics answer, at most `max_buckets`,
// filled in ascending order of start.
class BucketList {
 public:
  explicit BucketList(int64_t max_buckets) : max_buckets_(max_buckets) {}

  // Adds readings of the bucket starting at `start`, which is not before
  // the last bucket's. Returns false, adding nothing, when that would make
  // one bucket too many: every later bucket is then dropped too.
  bool Add(int64_t start, const Aggregate& aggregate) {
    if (aggregate.count == 0) return true;
    if (!buckets_.empty() && buckets_.back().start.micros == start) {
      buckets_.back().aggregate.Merge(aggregate);
      return true;
    }
    if (static_cast<int64_t>(buckets_.size()) >= max_buckets_) return false;
    buckets_.push_back(StatsBucket{.start = Timestamp{start}, .aggregate = aggregate});
    return true;
  }

  // Add() of the one reading (`ts`, `value`), without building its
  // aggregate: the raw buckets' loop, once per reading.
  bool AddReading(int64_t start, Timestamp ts, double value) {
    if (buckets_.empty() || buckets_.back().start.micros != start) {
      if (static_cast<int64_t>(buckets_.size()) >= max_buckets_) return false;
      buckets_.push_back(StatsBucket{.start = Timestamp{start}, .aggregate = {}});
    }
    buckets_.back().aggregate.Add(ts, value);
    return true;
  }

  std::vector<StatsBucket> Take() { return std::move(buckets_); }

 private:
  int64_t max_buckets_;
  std::vector<StatsBucket> buckets_;
};

// Runs the prepared `sql` with ?1 = `input_pk` and ?2..?3 = the inclusive
// key range [first, last], calling `row(statement)` for each row until it
// returns false. `what` names the step in errors.
template <typename F>
Status ForEachRow(Reader& reader, const char* sql, int64_t input_pk, int64_t first, int64_t last,
                  const char* what, F&& row) {
  Result<Statement*> prepared = reader.Prepared(sql);
  if (!prepared) return prepared.error();
  Statement& select = **prepared;
  StatementResetter reset(select);
  select.BindInt64(1, input_pk);
  select.BindInt64(2, first);
  select.BindInt64(3, last);
  while (true) {
    Result<bool> more = select.Step(what);
    if (!more) return more.error();
    if (!*more || !row(select)) return Status::Ok();
  }
}

// The aggregate of the readings of `input_pk` in `range`.
Result<Aggregate> RawAggregate(Reader& reader, int64_t input_pk, const MicrosRange& range) {
  Result<Statement*> blocks = reader.Prepared(BlockReadSql(SortDirection::kAsc));
  if (!blocks) return blocks.error();
  return AggregateStored(**blocks, input_pk, range.first, range.last);
}

// Calls `take(hour, aggregate)` for each hour_stats row of `input_pk` in
// `hours`, ascending, until it returns false. An hour whose row keeps no
// finite sum (hour_stats.h) is aggregated from its readings.
template <typename F>
Status ForEachHour(Reader& reader, int64_t input_pk, const HourRange& hours, F&& take) {
  Status raw_failure = Status::Ok();
  DC_RETURN_IF_ERROR(ForEachRow(reader, kHourRowsSql, input_pk, hours.first, hours.last,
                                "reading hour statistics", [&](const Statement& select) {
                                  const int64_t hour = select.ColumnInt64(0);
                                  Aggregate aggregate = ColumnAggregate(select, 1);
                                  if (!std::isfinite(aggregate.sum)) {
                                    Result<Aggregate> raw =
                                        RawAggregate(reader, input_pk,
                                                     MicrosRange{HourStart(hour), HourLast(hour)});
                                    if (!raw) {
                                      raw_failure = raw.error();
                                      return false;
                                    }
                                    aggregate = *raw;
                                  }
                                  return take(hour, aggregate);
                                }));
  return raw_failure;
}

// Calls `take(ts, value)` for each reading of `input_pk` in `range`, in
// timestamp order, until it returns false.
template <typename F>
Status ForEachReading(Reader& reader, int64_t input_pk, const MicrosRange& range, F&& take) {
  Result<Statement*> blocks = reader.Prepared(BlockReadSql(SortDirection::kAsc));
  if (!blocks) return blocks.error();
  return ForEachStoredReading(**blocks, input_pk, range.first, range.last, SortDirection::kAsc,
                              [&](const StoredReading& stored) {
                                return take(stored.reading.timestamp, stored.reading.value);
                              });
}

// One bucket for the whole window.
Result<Aggregate> WindowAggregate(Reader& reader, int64_t input_pk, const WindowSplit& split) {
  Aggregate total;
  for (const std::optional<MicrosRange>& edge : {split.head, split.tail}) {
    if (!edge) continue;
    Result<Aggregate> part = RawAggregate(reader, input_pk, *edge);
    if (!part) return part.error();
    total.Merge(*part);
  }
  if (split.hours) {
    DC_RETURN_IF_ERROR(
        ForEachHour(reader, input_pk, *split.hours, [&](int64_t, const Aggregate& hour) {
          total.Merge(hour);
          return true;
        }));
  }
  return total;
}

// Buckets of an interval that is a whole number of hours, for a window
// with at least one whole hour: each edge lies inside one bucket.
Status HourBuckets(Reader& reader, int64_t input_pk, const WindowSplit& split, int64_t interval,
                   BucketList& buckets) {
  if (split.head) {
    Result<Aggregate> head = RawAggregate(reader, input_pk, *split.head);
    if (!head) return head.error();
    if (!buckets.Add(AlignDown(split.head->first, interval), *head)) return Status::Ok();
  }
  bool more = true;
  DC_RETURN_IF_ERROR(
      ForEachHour(reader, input_pk, *split.hours, [&](int64_t hour, const Aggregate& a) {
        more = buckets.Add(AlignHourDown(hour, interval), a);
        return more;
      }));
  if (more && split.tail) {
    Result<Aggregate> tail = RawAggregate(reader, input_pk, *split.tail);
    if (!tail) return tail.error();
    buckets.Add(AlignDown(split.tail->first, interval), *tail);
  }
  return Status::Ok();
}

// Buckets of any interval from the raw readings of the window.
Status RawBuckets(Reader& reader, int64_t input_pk, const TimeWindow& window, int64_t interval,
                  BucketList& buckets) {
  return ForEachReading(reader, input_pk, WindowRange(window), [&](Timestamp ts, double value) {
    return buckets.AddReading(AlignDown(ts.micros, interval), ts, value);
  });
}

}  // namespace

Result<std::vector<StatsBucket>> SqliteStore::Statistics(const StatsScan& scan) {
  if (scan.interval_micros && *scan.interval_micros <= 0) {
    return Status::InvalidArgument("non-positive interval of " +
                                   std::to_string(*scan.interval_micros) + " microseconds");
  }
  if (scan.max_buckets < 0) {
    return Status::InvalidArgument("negative max_buckets " + std::to_string(scan.max_buckets));
  }
  const WindowSplit split = SplitWindow(scan.window);
  DC_RETURN_IF_ERROR(AwaitMerged(scan.input_pk));
  return WithReader([&](Reader& reader) -> Result<std::vector<StatsBucket>> {
    Result<Transaction> snapshot =
        Transaction::Begin(reader.connection().get(), TransactionKind::kRead);
    if (!snapshot) return snapshot.error();

    std::vector<StatsBucket> result;
    if (!scan.interval_micros) {
      Result<Aggregate> total = WindowAggregate(reader, scan.input_pk, split);
      if (!total) return total.error();
      result.push_back(StatsBucket{.start = Timestamp{}, .aggregate = *total});
    } else if (split.head || split.hours) {  // else the window is empty
      const int64_t interval = *scan.interval_micros;
      BucketList buckets(scan.max_buckets);
      if (interval % kMicrosPerHour == 0 && split.hours) {
        DC_RETURN_IF_ERROR(HourBuckets(reader, scan.input_pk, split, interval, buckets));
      } else {
        DC_RETURN_IF_ERROR(RawBuckets(reader, scan.input_pk, scan.window, interval, buckets));
      }
      result = buckets.Take();
    }

    DC_RETURN_IF_ERROR(snapshot->Commit());
    return result;
  });
}

}  // namespace dc::sqlite
