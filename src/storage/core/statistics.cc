#include "storage/core/statistics.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "storage/core/hour_math.h"
#include "storage/core/window_split.h"

namespace dc::storage {
namespace {

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

// Calls `take(hour, aggregate)` for each hour aggregate of `input_pk` in
// `hours`, ascending, until it returns false. An hour whose stored sum is
// not finite is aggregated from its readings.
template <typename F>
Status ForEachHour(StatsSource& source, int64_t input_pk, const HourRange& hours, F&& take) {
  Status raw_failure = Status::Ok();
  DC_RETURN_IF_ERROR(
      source.ForEachHourRow(input_pk, hours, [&](int64_t hour, const Aggregate& stored) {
        if (std::isfinite(stored.sum)) return take(hour, stored);
        Result<Aggregate> raw =
            source.RawAggregate(input_pk, MicrosRange{HourStart(hour), HourLast(hour)});
        if (!raw) {
          raw_failure = raw.error();
          return false;
        }
        return take(hour, *raw);
      }));
  return raw_failure;
}

// One bucket for the whole window.
Result<Aggregate> WindowAggregate(StatsSource& source, int64_t input_pk, const WindowSplit& split) {
  Aggregate total;
  for (const std::optional<MicrosRange>& edge : {split.head, split.tail}) {
    if (!edge) continue;
    Result<Aggregate> part = source.RawAggregate(input_pk, *edge);
    if (!part) return part.error();
    total.Merge(*part);
  }
  if (split.hours) {
    DC_RETURN_IF_ERROR(
        ForEachHour(source, input_pk, *split.hours, [&](int64_t, const Aggregate& hour) {
          total.Merge(hour);
          return true;
        }));
  }
  return total;
}

// Buckets of an interval that is a whole number of hours, for a window
// with at least one whole hour: each edge lies inside one bucket.
Status HourBuckets(StatsSource& source, int64_t input_pk, const WindowSplit& split,
                   int64_t interval, BucketList& buckets) {
  if (split.head) {
    Result<Aggregate> head = source.RawAggregate(input_pk, *split.head);
    if (!head) return head.error();
    if (!buckets.Add(AlignDown(split.head->first, interval), *head)) return Status::Ok();
  }
  bool more = true;
  DC_RETURN_IF_ERROR(
      ForEachHour(source, input_pk, *split.hours, [&](int64_t hour, const Aggregate& a) {
        more = buckets.Add(AlignHourDown(hour, interval), a);
        return more;
      }));
  if (more && split.tail) {
    Result<Aggregate> tail = source.RawAggregate(input_pk, *split.tail);
    if (!tail) return tail.error();
    buckets.Add(AlignDown(split.tail->first, interval), *tail);
  }
  return Status::Ok();
}

// Buckets of any interval from the raw readings of the window.
Status RawBuckets(StatsSource& source, int64_t input_pk, const TimeWindow& window, int64_t interval,
                  BucketList& buckets) {
  return source.ForEachReading(input_pk, WindowRange(window), [&](Timestamp ts, double value) {
    return buckets.AddReading(AlignDown(ts.micros, interval), ts, value);
  });
}

}  // namespace

Status CheckStatsScan(const StatsScan& scan) {
  if (scan.interval_micros && *scan.interval_micros <= 0) {
    return Status::InvalidArgument("non-positive interval of " +
                                   std::to_string(*scan.interval_micros) + " microseconds");
  }
  if (scan.max_buckets < 0) {
    return Status::InvalidArgument("negative max_buckets " + std::to_string(scan.max_buckets));
  }
  return Status::Ok();
}

Result<std::vector<StatsBucket>> ComputeStatistics(StatsSource& source, const StatsScan& scan) {
  const WindowSplit split = SplitWindow(scan.window);
  std::vector<StatsBucket> result;
  if (!scan.interval_micros) {
    Result<Aggregate> total = WindowAggregate(source, scan.input_pk, split);
    if (!total) return total.error();
    result.push_back(StatsBucket{.start = Timestamp{}, .aggregate = *total});
    return result;
  }
  if (!split.head && !split.hours) return result;  // the window is empty
  const int64_t interval = *scan.interval_micros;
  BucketList buckets(scan.max_buckets);
  if (interval % kMicrosPerHour == 0 && split.hours) {
    DC_RETURN_IF_ERROR(HourBuckets(source, scan.input_pk, split, interval, buckets));
  } else {
    DC_RETURN_IF_ERROR(RawBuckets(source, scan.input_pk, scan.window, interval, buckets));
  }
  return buckets.Take();
}

}  // namespace dc::storage
