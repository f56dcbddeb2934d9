// storage/core, what every backend shares: hour and bucket arithmetic, the
// split of a window into whole hours and edges, the bounded heap behind
// order_by=value, the hourly roll-up, Statistics over a StatsSource, and the
// batch rules. No database: the backends' own tests hold their SQL to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "storage/core/batch_rules.h"
#include "storage/core/hour_math.h"
#include "storage/core/hour_rollup.h"
#include "storage/core/statistics.h"
#include "storage/core/top_by_value.h"
#include "storage/core/window_split.h"

namespace dc::storage {
namespace {

constexpr int64_t kHour = kMicrosPerHour;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(HourMathTest, FloorsAlsoBefore1970) {
  EXPECT_EQ(HourOf(0), 0);
  EXPECT_EQ(HourOf(kHour - 1), 0);
  EXPECT_EQ(HourOf(kHour), 1);
  EXPECT_EQ(HourOf(-1), -1);
  EXPECT_EQ(HourOf(-kHour), -1);
  EXPECT_EQ(HourOf(-kHour - 1), -2);
  EXPECT_EQ(AlignDown(-1, 15), -15);
  EXPECT_EQ(AlignDown(-15, 15), -15);
  EXPECT_EQ(AlignDown(14, 15), 0);
  EXPECT_EQ(AlignHourDown(-1, 24 * kHour), -24 * kHour);
  EXPECT_EQ(AlignHourDown(23, 24 * kHour), 0);
  EXPECT_EQ(AlignHourDown(24, 24 * kHour), 24 * kHour);
  EXPECT_EQ(AlignHourDown(5, kHour), 5 * kHour);
  EXPECT_EQ(AlignDown(kMin, 7), kMin);  // saturates instead of overflowing
  EXPECT_EQ(AlignDown(kMax, kMax), kMax);
  EXPECT_EQ(HourStart(HourOf(kMin)), kMin);
  EXPECT_EQ(HourLast(HourOf(kMax)), kMax);
  EXPECT_EQ(HourLast(-1), -1);
  EXPECT_EQ(HourStart(-1), -kHour);
}

WindowSplit Split(std::optional<int64_t> start, std::optional<int64_t> finish) {
  TimeWindow window;
  if (start) window.start = Timestamp{*start};
  if (finish) window.finish = Timestamp{*finish};
  return SplitWindow(window);
}

TEST(SplitWindowTest, WholeHoursAndEdges) {
  WindowSplit s = Split(kHour / 2, 3 * kHour + 10);
  EXPECT_EQ(s.head, (MicrosRange{kHour / 2, kHour - 1}));
  EXPECT_EQ(s.hours, (HourRange{1, 2}));
  EXPECT_EQ(s.tail, (MicrosRange{3 * kHour, 3 * kHour + 10}));

  s = Split(kHour, 3 * kHour - 1);  // exactly hours 1 and 2
  EXPECT_FALSE(s.head.has_value());
  EXPECT_EQ(s.hours, (HourRange{1, 2}));
  EXPECT_FALSE(s.tail.has_value());

  s = Split(-kHour - 1, -1);  // before 1970
  EXPECT_EQ(s.head, (MicrosRange{-kHour - 1, -kHour - 1}));
  EXPECT_EQ(s.hours, (HourRange{-1, -1}));
  EXPECT_FALSE(s.tail.has_value());
}

TEST(SplitWindowTest, NoWholeHourIsOneRawRange) {
  WindowSplit s = Split(kHour / 2, kHour + kHour / 2);
  EXPECT_EQ(s.head, (MicrosRange{kHour / 2, kHour + kHour / 2}));
  EXPECT_FALSE(s.hours.has_value());
  EXPECT_FALSE(s.tail.has_value());
  s = Split(kHour, 2 * kHour - 2);  // one microsecond short of an hour
  EXPECT_EQ(s.head, (MicrosRange{kHour, 2 * kHour - 2}));
  EXPECT_FALSE(s.hours.has_value());
  s = Split(5, 5);
  EXPECT_EQ(s.head, (MicrosRange{5, 5}));
}

TEST(SplitWindowTest, EmptyAndUnboundedWindows) {
  WindowSplit s = Split(10, 9);
  EXPECT_FALSE(s.head || s.hours || s.tail);
  s = Split(std::nullopt, std::nullopt);
  EXPECT_FALSE(s.head || s.tail);
  EXPECT_EQ(s.hours, (HourRange{kMin, kMax}));
  s = Split(std::nullopt, kHour / 2);
  EXPECT_FALSE(s.head.has_value());
  EXPECT_EQ(s.hours, (HourRange{kMin, -1}));
  EXPECT_EQ(s.tail, (MicrosRange{0, kHour / 2}));
  s = Split(-kHour / 2, std::nullopt);
  EXPECT_EQ(s.head, (MicrosRange{-kHour / 2, -1}));
  EXPECT_EQ(s.hours, (HourRange{0, kMax}));
  EXPECT_FALSE(s.tail.has_value());
  // Bounds at the ends of int64 neither overflow nor lose readings.
  s = Split(kMin, kMax);
  EXPECT_FALSE(s.head || s.tail);
  EXPECT_EQ(s.hours, (HourRange{HourOf(kMin), HourOf(kMax)}));
  s = Split(kMin + 1, kMax - 1);
  EXPECT_EQ(s.head, (MicrosRange{kMin + 1, HourStart(HourOf(kMin) + 1) - 1}));
  EXPECT_EQ(s.hours, (HourRange{HourOf(kMin) + 1, HourOf(kMax) - 1}));
  EXPECT_EQ(s.tail, (MicrosRange{HourStart(HourOf(kMax)), kMax - 1}));
}

TEST(SplitWindowTest, PartsCoverTheWindowExactly) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const int64_t a = static_cast<int64_t>(rng() % (10 * kHour)) - 5 * kHour;
    const int64_t b = a + static_cast<int64_t>(rng() % (4 * kHour));
    const WindowSplit s = Split(a, b);
    int64_t next = a;  // the parts, in order, tile [a, b]
    if (s.head) {
      ASSERT_EQ(s.head->first, next);
      ASSERT_LT(s.head->last - s.head->first, s.hours ? kHour : 2 * kHour);
      next = s.head->last + 1;
    }
    if (s.hours) {
      ASSERT_EQ(s.hours->first * kHour, next);
      next = (s.hours->last + 1) * kHour;
    }
    if (s.tail) {
      ASSERT_TRUE(s.hours.has_value());
      ASSERT_EQ(s.tail->first, next);
      ASSERT_LT(s.tail->last - s.tail->first, kHour);
      next = s.tail->last + 1;
    }
    ASSERT_EQ(next, b + 1) << a << " .. " << b;
  }
}

std::vector<RankedReading> Top(const std::vector<RankedReading>& readings, size_t limit,
                               SortDirection sort) {
  TopByValue top(limit, sort);
  for (const RankedReading& r : readings) top.Offer(r);
  return top.TakeSorted();
}

TEST(TopByValueTest, KeepsTheFirstInValueThenTimeOrder) {
  const std::vector<RankedReading> readings = {{5, 1}, {3, 2}, {5, 3}, {1, 4}, {3, 5}, {9, 6}};
  using R = std::vector<RankedReading>;
  EXPECT_EQ(Top(readings, 3, SortDirection::kAsc), (R{{1, 4}, {3, 2}, {3, 5}}));
  EXPECT_EQ(Top(readings, 3, SortDirection::kDesc), (R{{9, 6}, {5, 3}, {5, 1}}));
  EXPECT_EQ(Top(readings, 100, SortDirection::kAsc).size(), 6u);
  EXPECT_TRUE(Top(readings, 0, SortDirection::kAsc).empty());
  EXPECT_TRUE(Top({}, 5, SortDirection::kDesc).empty());
}

TEST(TopByValueTest, MatchesASortForRandomInput) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<RankedReading> readings;
    const size_t n = rng() % 300;
    for (size_t i = 0; i < n; ++i) {
      readings.push_back({static_cast<double>(rng() % 10), static_cast<int64_t>(i)});
    }
    std::shuffle(readings.begin(), readings.end(), rng);
    const size_t limit = 1 + rng() % 50;
    for (SortDirection sort : {SortDirection::kAsc, SortDirection::kDesc}) {
      std::vector<RankedReading> want = readings;
      std::sort(want.begin(), want.end(), [&](const RankedReading& x, const RankedReading& y) {
        if (x.value != y.value)
          return sort == SortDirection::kAsc ? x.value < y.value : x.value > y.value;
        return sort == SortDirection::kAsc ? x.ts < y.ts : x.ts > y.ts;
      });
      if (want.size() > limit) want.resize(limit);
      ASSERT_EQ(Top(readings, limit, sort), want) << "round " << round;
    }
  }
}

// ---- the hourly roll-up

// What HourRollup::Apply handed to its callbacks, in order.
struct RollupCalls {
  std::vector<std::string> log;
  HourRollup::Callbacks Callbacks(Aggregate recomputed) {
    return HourRollup::Callbacks{
        .add =
            [this](int64_t input_pk, int64_t hour, const Aggregate& a) {
              log.push_back("add " + std::to_string(input_pk) + "/" + std::to_string(hour) +
                            " count " + std::to_string(a.count));
              return Status::Ok();
            },
        .replace =
            [this](int64_t input_pk, int64_t hour, const Aggregate& a) {
              log.push_back("replace " + std::to_string(input_pk) + "/" + std::to_string(hour) +
                            " count " + std::to_string(a.count));
              return Status::Ok();
            },
        .aggregate =
            [this, recomputed](int64_t input_pk, int64_t first, int64_t last) {
              log.push_back("aggregate " + std::to_string(input_pk) + " " + std::to_string(first) +
                            ".." + std::to_string(last));
              return Result<Aggregate>(recomputed);
            },
    };
  }
};

Aggregate OneReading(int64_t ts, double value) {
  Aggregate a;
  a.Add(Timestamp{ts}, value);
  return a;
}

TEST(HourRollupTest, AddsNewReadingsPerHourInKeyOrder) {
  HourRollup rollup;
  rollup.AddNew(2, Timestamp{kHour + 5}, 1.0);
  rollup.AddNew(1, Timestamp{3 * kHour}, 2.0);
  rollup.AddNew(2, Timestamp{kHour + 9}, 3.0);
  rollup.AddNew(1, Timestamp{-1}, 4.0);
  RollupCalls calls;
  ASSERT_TRUE(rollup.Apply(calls.Callbacks(Aggregate())).ok());
  EXPECT_EQ(calls.log,
            (std::vector<std::string>{"add 1/-1 count 1", "add 1/3 count 1", "add 2/1 count 2"}));
}

TEST(HourRollupTest, AReplacedReadingRecomputesItsWholeHour) {
  HourRollup rollup;
  rollup.AddNew(7, Timestamp{kHour + 1}, 1.0);
  rollup.AddReplaced(7, Timestamp{kHour + 2});
  rollup.AddNew(7, Timestamp{kHour + 3}, 1.0);  // superseded by the recomputation
  RollupCalls calls;
  ASSERT_TRUE(rollup.Apply(calls.Callbacks(OneReading(kHour + 2, 5))).ok());
  EXPECT_EQ(calls.log, (std::vector<std::string>{"aggregate 7 " + std::to_string(kHour) + ".." +
                                                     std::to_string(2 * kHour - 1),
                                                 "replace 7/1 count 1"}));
}

TEST(HourRollupTest, ARecomputedHourWithoutReadingsIsInternal) {
  HourRollup rollup;
  rollup.AddReplaced(1, Timestamp{0});
  RollupCalls calls;
  const Status status = rollup.Apply(calls.Callbacks(Aggregate()));
  EXPECT_EQ(status.code(), Status::Code::kInternal);
}

TEST(HourRollupTest, ACallbackFailureStopsApply) {
  HourRollup rollup;
  rollup.AddNew(1, Timestamp{0}, 1.0);
  rollup.AddNew(2, Timestamp{0}, 1.0);
  int adds = 0;
  HourRollup::Callbacks callbacks{
      .add =
          [&](int64_t, int64_t, const Aggregate&) {
            ++adds;
            return Status::Unavailable("disk full");
          },
      .replace = [](int64_t, int64_t, const Aggregate&) { return Status::Ok(); },
      .aggregate = [](int64_t, int64_t, int64_t) { return Result<Aggregate>(Aggregate()); },
  };
  EXPECT_EQ(rollup.Apply(callbacks).code(), Status::Code::kUnavailable);
  EXPECT_EQ(adds, 1);
}

// ---- Statistics over a StatsSource

// Readings of one input in memory; its hour rows are computed from them,
// except those the test overrides (a stored sum that left the double range).
class MemorySource : public StatsSource {
 public:
  void Add(int64_t ts, double value) { readings_[ts] = value; }
  void SetHourRow(int64_t hour, Aggregate row) { rows_[hour] = row; }
  int raw_reads = 0;

  Result<Aggregate> RawAggregate(int64_t, const MicrosRange& range) override {
    ++raw_reads;
    Aggregate a;
    for (auto it = readings_.lower_bound(range.first);
         it != readings_.end() && it->first <= range.last; ++it) {
      a.Add(Timestamp{it->first}, it->second);
    }
    return a;
  }
  Status ForEachHourRow(int64_t, const HourRange& hours,
                        const std::function<bool(int64_t, const Aggregate&)>& row) override {
    std::map<int64_t, Aggregate> rows;
    for (const auto& [ts, value] : readings_) {
      if (HourOf(ts) >= hours.first && HourOf(ts) <= hours.last) {
        rows[HourOf(ts)].Add(Timestamp{ts}, value);
      }
    }
    for (const auto& [hour, stored] : rows_) {
      if (hour >= hours.first && hour <= hours.last) rows[hour] = stored;
    }
    for (const auto& [hour, a] : rows) {
      if (!row(hour, a)) break;
    }
    return Status::Ok();
  }
  Status ForEachReading(int64_t, const MicrosRange& range,
                        const std::function<bool(Timestamp, double)>& reading) override {
    for (auto it = readings_.lower_bound(range.first);
         it != readings_.end() && it->first <= range.last; ++it) {
      if (!reading(Timestamp{it->first}, it->second)) break;
    }
    return Status::Ok();
  }

 private:
  std::map<int64_t, double> readings_;
  std::map<int64_t, Aggregate> rows_;
};

StatsScan Scan(std::optional<int64_t> start, std::optional<int64_t> finish,
               std::optional<int64_t> interval = std::nullopt, int64_t max_buckets = 1000) {
  StatsScan scan;
  scan.input_pk = 1;
  if (start) scan.window.start = Timestamp{*start};
  if (finish) scan.window.finish = Timestamp{*finish};
  scan.interval_micros = interval;
  scan.max_buckets = max_buckets;
  return scan;
}

TEST(ComputeStatisticsTest, WholeWindowFromHoursAndEdges) {
  MemorySource source;
  for (int64_t i = 0; i < 10; ++i) source.Add(i * kHour / 2, static_cast<double>(i));
  Result<std::vector<StatsBucket>> got =
      ComputeStatistics(source, Scan(kHour / 4, 4 * kHour + kHour / 4));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 1u);
  const Aggregate& a = (*got)[0].aggregate;
  EXPECT_EQ(a.count, 8);  // the readings at 0.5 h .. 4 h
  EXPECT_EQ(a.min, 1.0);
  EXPECT_EQ(a.max, 8.0);
  EXPECT_EQ(source.raw_reads, 2);  // the two edges only
}

TEST(ComputeStatisticsTest, AnHourWhoseStoredSumIsNotFiniteIsReadFromItsReadings) {
  MemorySource source;
  source.Add(kHour, 1.0);
  source.Add(kHour + 1, 2.0);
  Aggregate overflowed = OneReading(kHour, 1.0);
  overflowed.Add(Timestamp{kHour + 1}, 2.0);
  overflowed.sum = std::numeric_limits<double>::infinity();
  source.SetHourRow(1, overflowed);
  Result<std::vector<StatsBucket>> got = ComputeStatistics(source, Scan(0, 3 * kHour - 1));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].aggregate.Sum(), 3.0);
  EXPECT_EQ(source.raw_reads, 1);
}

TEST(ComputeStatisticsTest, BucketsOfWholeHoursAndOfOtherIntervals) {
  MemorySource source;
  for (int64_t i = 0; i < 6; ++i) source.Add(i * kHour, static_cast<double>(i));
  Result<std::vector<StatsBucket>> hours =
      ComputeStatistics(source, Scan(0, 6 * kHour - 1, 2 * kHour));
  ASSERT_TRUE(hours.has_value());
  ASSERT_EQ(hours->size(), 3u);
  EXPECT_EQ((*hours)[1].start.micros, 2 * kHour);
  EXPECT_EQ((*hours)[1].aggregate.count, 2);
  EXPECT_EQ(source.raw_reads, 0);

  Result<std::vector<StatsBucket>> raw =
      ComputeStatistics(source, Scan(0, 6 * kHour - 1, 90 * kMicrosPerMinute, 2));
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), 2u);  // max_buckets: the earliest two
  EXPECT_EQ((*raw)[1].start.micros, 90 * kMicrosPerMinute);
  EXPECT_EQ((*raw)[1].aggregate.count, 1);
}

TEST(ComputeStatisticsTest, AnEmptyWindowHasOneEmptyBucketOrNone) {
  MemorySource source;
  source.Add(0, 1.0);
  Result<std::vector<StatsBucket>> whole = ComputeStatistics(source, Scan(10, 5));
  ASSERT_TRUE(whole.has_value());
  ASSERT_EQ(whole->size(), 1u);
  EXPECT_EQ((*whole)[0].aggregate.count, 0);
  Result<std::vector<StatsBucket>> buckets = ComputeStatistics(source, Scan(10, 5, kHour));
  ASSERT_TRUE(buckets.has_value());
  EXPECT_TRUE(buckets->empty());
}

TEST(CheckStatsScanTest, RefusesANonPositiveIntervalAndNegativeMaxBuckets) {
  EXPECT_TRUE(CheckStatsScan(Scan(0, 1, kHour)).ok());
  EXPECT_EQ(CheckStatsScan(Scan(0, 1, 0)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CheckStatsScan(Scan(0, 1, -5)).detail(), "non-positive interval of -5 microseconds");
  EXPECT_EQ(CheckStatsScan(Scan(0, 1, kHour, -1)).detail(), "negative max_buckets -1");
}

// ---- the batch rules

Reading ReadingOf(double value) {
  return Reading{.timestamp = Timestamp{0},
                 .value = value,
                 .latitude = std::nullopt,
                 .longitude = std::nullopt,
                 .x_axis_value = "",
                 .metadata = ""};
}

TEST(CheckBatchesTest, FiniteReadingsPass) {
  IngestBatch batch{.input_pk = 1, .readings = {ReadingOf(1.5), ReadingOf(-1e300)}};
  batch.readings[0].latitude = 45.0;
  const IngestBatch* batches[] = {&batch};
  EXPECT_TRUE(CheckBatches(batches).ok());
  EXPECT_TRUE(CheckBatches({}).ok());
}

TEST(CheckBatchesTest, NamesTheFirstNonFiniteFieldAndTheNullBatch) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  IngestBatch fine{.input_pk = 1, .readings = {ReadingOf(1)}};
  IngestBatch bad{.input_pk = 1, .readings = {ReadingOf(1), ReadingOf(kNaN)}};
  const IngestBatch* batches[] = {&fine, &bad};
  EXPECT_EQ(CheckBatches(batches).detail(), "reading 1 of batch 1: value is not finite");
  bad.readings[1].value = 2;
  bad.readings[1].latitude = kInf;
  EXPECT_EQ(CheckBatches(batches).detail(), "reading 1 of batch 1: latitude is not finite");
  bad.readings[1].latitude = 0;
  bad.readings[1].longitude = -kInf;
  EXPECT_EQ(CheckBatches(batches).detail(), "reading 1 of batch 1: longitude is not finite");
  const IngestBatch* with_null[] = {&fine, nullptr};
  EXPECT_EQ(CheckBatches(with_null).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CheckBatches(with_null).detail(), "batch 1 is null");
}

}  // namespace
}  // namespace dc::storage
