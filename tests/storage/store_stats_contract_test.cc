// The contract of Store::Statistics, run against every backend: answers
// compared with aggregates the test computes from the readings it stored
// (ReadingModel), and a few written out by hand.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/store.h"
#include "storage/store_readings_fixture.h"

namespace dc {
namespace {

using ::dc::testing::At;
using ::dc::testing::BackendNames;
using ::dc::testing::kDay;
using ::dc::testing::kHour;
using ::dc::testing::kMinute;
using ::dc::testing::StoreBackends;
using ::dc::testing::Window;

template <typename Backend>
class StoreStatsTest : public ::dc::testing::StoreReadingsTest<Backend> {
 protected:
  // One reading every `step` from `first` to `last`, with values that are
  // not monotonic in time and repeat (so min/max/first/last all differ).
  void PutEvery(int64_t first, int64_t last, int64_t step) {
    std::vector<Reading> readings;
    for (int64_t ts = first; ts <= last; ts += step) {
      const int64_t i = (ts - first) / step;
      readings.push_back(At(ts, static_cast<double>((i * 37) % 101) / 4 - 10));
    }
    ASSERT_NO_FATAL_FAILURE(this->Put(readings));
  }

  // The one aggregate that each road to readings stored between 00:00 and
  // 02:00 answers: unbounded and whole hours (hour aggregates only), a
  // window inside those hours (raw readings), buckets of 15 minutes (raw),
  // an hour and a day (hour aggregates). The readings must lie in one
  // 15-minute bucket. Each is named by its road.
  std::vector<std::pair<std::string, Aggregate>> EveryRoad() {
    std::vector<std::pair<std::string, Aggregate>> out;
    auto one = [&](const std::string& road, const std::vector<StatsBucket>& buckets) {
      EXPECT_EQ(buckets.size(), 1u) << road;
      if (!buckets.empty()) out.emplace_back(road, buckets[0].aggregate);
    };
    one("unbounded", this->Stats(Window(std::nullopt, std::nullopt)));
    one("whole hours", this->Stats(Window(0, 2 * kHour - 1)));
    one("inside hours", this->Stats(Window(kMinute, 119 * kMinute)));
    one("15 minutes", this->Stats(Window(std::nullopt, std::nullopt), 15 * kMinute));
    one("an hour", this->Stats(Window(std::nullopt, std::nullopt), kHour));
    one("a day", this->Stats(Window(std::nullopt, std::nullopt), kDay));
    return out;
  }
};
TYPED_TEST_SUITE(StoreStatsTest, StoreBackends, BackendNames);

const std::optional<int64_t> kNone;

TYPED_TEST(StoreStatsTest, HandWrittenWindow) {
  // Two hours: 00:10 (2), 00:50 (-1), 01:00 (7), 01:30 (4), 02:00 (3).
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10 * kMinute, 2), At(50 * kMinute, -1), At(kHour, 7),
                                     At(90 * kMinute, 4), At(2 * kHour, 3)}));
  std::vector<StatsBucket> all = this->Stats(Window(kNone, kNone));
  ASSERT_EQ(all.size(), 1u);
  const Aggregate& a = all[0].aggregate;
  EXPECT_EQ(a.count, 5);
  EXPECT_EQ(a.sum, 15);
  EXPECT_EQ(a.min, -1);
  EXPECT_EQ(a.max, 7);
  EXPECT_EQ(a.first_ts.micros, 10 * kMinute);
  EXPECT_EQ(a.first, 2);
  EXPECT_EQ(a.last_ts.micros, 2 * kHour);
  EXPECT_EQ(a.last, 3);

  // 00:30 .. 01:59:59.999999: a partial hour, then a whole one.
  std::vector<StatsBucket> part = this->Stats(Window(30 * kMinute, 2 * kHour - 1));
  ASSERT_EQ(part.size(), 1u);
  EXPECT_EQ(part[0].aggregate.count, 3);
  EXPECT_EQ(part[0].aggregate.sum, 10);
  EXPECT_EQ(part[0].aggregate.min, -1);
  EXPECT_EQ(part[0].aggregate.first, -1);
  EXPECT_EQ(part[0].aggregate.last, 4);
}

TYPED_TEST(StoreStatsTest, EmptyWindowGivesOneEmptyBucketWithoutInterval) {
  for (const TimeWindow& window : {Window(kNone, kNone), Window(0, kHour)}) {
    std::vector<StatsBucket> buckets = this->Stats(window);
    ASSERT_EQ(buckets.size(), 1u);
    EXPECT_EQ(buckets[0].aggregate.count, 0);
    EXPECT_TRUE(this->Stats(window, kHour).empty());
    EXPECT_TRUE(this->Stats(window, 15 * kMinute).empty());
  }
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(0, 5 * kHour, 10 * kMinute));
  for (const TimeWindow& window :
       {Window(6 * kHour, kNone), Window(kNone, -1), Window(3 * kHour, 2 * kHour),
        Window(5 * kMinute, 9 * kMinute), Window(2 * kHour + 1, 2 * kHour + 10 * kMinute - 1)}) {
    std::vector<StatsBucket> buckets = this->Stats(window);
    ASSERT_EQ(buckets.size(), 1u);
    EXPECT_EQ(buckets[0].aggregate.count, 0);
    EXPECT_TRUE(this->Stats(window, kHour).empty());
    EXPECT_TRUE(this->Stats(window, 15 * kMinute).empty());
  }
  std::vector<StatsBucket> unknown =
      this->Stats(Window(kNone, kNone), std::nullopt, 1000, this->pk_ + 1000);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].aggregate.count, 0);
}

TYPED_TEST(StoreStatsTest, WindowEdgesAnywhereInAndAroundHours) {
  // Readings each 7 minutes over 6 hours, half of them before 1970; every
  // pair of edges from a list of tricky instants.
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(-3 * kHour, 3 * kHour, 7 * kMinute));
  ASSERT_NO_FATAL_FAILURE(this->Put({At(-kHour, 100), At(kHour - 1, -100), At(0, 50)}));
  std::vector<std::optional<int64_t>> edges = {kNone};
  for (int64_t hour = -4; hour <= 4; ++hour) {
    for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{-1}, 30 * kMinute}) {
      edges.push_back(hour * kHour + offset);
    }
  }
  for (const std::optional<int64_t>& start : edges) {
    for (const std::optional<int64_t>& finish : edges) {
      const TimeWindow window = Window(start, finish);
      ASSERT_TRUE(this->StatsMatchModel(window))
          << "window " << start.value_or(-1) << " .. " << finish.value_or(-1);
    }
  }
}

TYPED_TEST(StoreStatsTest, FifteenMinuteBuckets) {
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(kHour, 6 * kHour, 4 * kMinute));
  // By hand: 01:00..01:29:59 holds readings at 0, 4, ..., 28 minutes.
  std::vector<StatsBucket> two = this->Stats(Window(kHour, kHour + 30 * kMinute - 1), 15 * kMinute);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].start.micros, kHour);
  EXPECT_EQ(two[0].aggregate.count, 4);  // 0, 4, 8, 12
  EXPECT_EQ(two[1].start.micros, kHour + 15 * kMinute);
  EXPECT_EQ(two[1].aggregate.count, 4);  // 16, 20, 24, 28
  for (const TimeWindow& window : {Window(kNone, kNone), Window(kHour + 7 * kMinute, 5 * kHour + 1),
                                   Window(2 * kHour, 3 * kHour - 1)}) {
    EXPECT_TRUE(this->BucketsMatchModel(window, 15 * kMinute));
    EXPECT_TRUE(this->BucketsMatchModel(window, 7 * kMinute));
    EXPECT_TRUE(this->BucketsMatchModel(window, 90 * kMinute));
    EXPECT_TRUE(this->BucketsMatchModel(window, 1));
  }
}

TYPED_TEST(StoreStatsTest, HourAndDayBuckets) {
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(-kDay - 5 * kHour, 2 * kDay + 3 * kHour, 25 * kMinute));
  std::vector<StatsBucket> days = this->Stats(Window(kNone, kNone), kDay);
  ASSERT_EQ(days.size(), 5u);
  EXPECT_EQ(days[0].start.micros, -2 * kDay);  // midnight UTC before the first reading
  EXPECT_EQ(days[1].start.micros, -kDay);
  EXPECT_EQ(days[4].start.micros, 2 * kDay);
  for (const TimeWindow& window :
       {Window(kNone, kNone), Window(-kDay + 90 * kMinute, kDay + 1),
        Window(-5 * kHour - 1, kHour - 1), Window(kNone, 30 * kMinute),
        Window(-90 * kMinute, kNone),
        Window(10 * kHour + 5 * kMinute, 11 * kHour + 50 * kMinute),  // < 2 hours, no whole hour
        Window(3 * kHour, 4 * kHour - 1)}) {
    for (int64_t interval : {kHour, 3 * kHour, kDay, 7 * kDay}) {
      EXPECT_TRUE(this->BucketsMatchModel(window, interval))
          << "interval " << interval << " window " << window.start.value_or(Timestamp{}).micros;
    }
  }
}

TYPED_TEST(StoreStatsTest, BucketsBefore1970AlignToTheEpoch) {
  ASSERT_NO_FATAL_FAILURE(
      this->Put({At(-1, 1), At(-kHour, 2), At(-kHour - 1, 3), At(-15 * kMinute, 4), At(0, 5)}));
  auto starts = [&](int64_t interval) {
    std::vector<int64_t> got;
    for (const StatsBucket& b : this->Stats(Window(kNone, kNone), interval)) {
      got.push_back(b.start.micros);
    }
    return got;
  };
  using Starts = std::vector<int64_t>;
  EXPECT_EQ(starts(kHour), (Starts{-2 * kHour, -kHour, 0}));
  EXPECT_EQ(starts(kDay), (Starts{-kDay, 0}));
  EXPECT_EQ(starts(15 * kMinute), (Starts{-75 * kMinute, -kHour, -15 * kMinute, 0}));
  EXPECT_EQ(starts(1000), (Starts{-kHour - 1000, -kHour, -15 * kMinute, -1000, 0}));
  for (int64_t interval : {int64_t{7}, 15 * kMinute, kHour, 2 * kHour, kDay}) {
    EXPECT_TRUE(this->BucketsMatchModel(Window(kNone, kNone), interval));
    EXPECT_TRUE(this->BucketsMatchModel(Window(-kHour - 1, -1), interval));
  }
}

TYPED_TEST(StoreStatsTest, MaxBucketsKeepsTheEarliest) {
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(0, 10 * kHour, 10 * kMinute));
  std::vector<StatsBucket> three = this->Stats(Window(kNone, kNone), kHour, 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].start.micros, 0);
  EXPECT_EQ(three[2].start.micros, 2 * kHour);
  EXPECT_EQ(three[2].aggregate.count, 6);  // complete, not cut at the cap
  for (int64_t max_buckets : {0, 1, 2, 3, 10, 11, 12}) {
    for (int64_t interval : {kHour, 2 * kHour, 15 * kMinute, 45 * kMinute}) {
      for (const TimeWindow& window :
           {Window(kNone, kNone), Window(35 * kMinute, 7 * kHour + 5 * kMinute)}) {
        EXPECT_TRUE(this->BucketsMatchModel(window, interval, max_buckets))
            << "max " << max_buckets << " interval " << interval;
      }
    }
  }
}

TYPED_TEST(StoreStatsTest, ReplacingReadingsUpdatesEveryFunction) {
  ASSERT_NO_FATAL_FAILURE(this->PutEvery(0, 3 * kHour, 5 * kMinute));
  // Replace, inside whole hours, the first, the last, the minimum and the
  // maximum with middling values, and a middle one with a new extreme.
  ASSERT_NO_FATAL_FAILURE(this->Put({At(0, 1), At(3 * kHour, 1), At(kHour, 0.25)}));
  ASSERT_NO_FATAL_FAILURE(this->Put({At(kHour + 5 * kMinute, 1000), At(2 * kHour, -1000)}));
  for (const TimeWindow& window : {Window(kNone, kNone), Window(0, 3 * kHour),
                                   Window(kHour, 2 * kHour - 1), Window(10, 3 * kHour - 10)}) {
    EXPECT_TRUE(this->StatsMatchModel(window));
    EXPECT_TRUE(this->BucketsMatchModel(window, kHour));
  }
  std::vector<StatsBucket> hour = this->Stats(Window(kHour, 2 * kHour - 1));
  ASSERT_EQ(hour.size(), 1u);
  EXPECT_EQ(hour[0].aggregate.max, 1000);
  EXPECT_EQ(hour[0].aggregate.first, 0.25);
}

// Every reading is finite, but their sums may leave the double range: the
// sum is kept wider than a double, so that it comes back exactly.
TYPED_TEST(StoreStatsTest, SumsThatLeaveTheDoubleRangeComeBackExactly) {
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10 * kMinute, 1.7e308), At(11 * kMinute, 1.7e308),
                                     At(12 * kMinute, -1.7e308), At(13 * kMinute, -1.7e308)}));
  for (const auto& [road, a] : this->EveryRoad()) {
    EXPECT_EQ(a.count, 4) << road;
    EXPECT_EQ(a.sum, 0) << road;
    EXPECT_EQ(a.min, -1.7e308) << road;
    EXPECT_EQ(a.max, 1.7e308) << road;
  }
}

TYPED_TEST(StoreStatsTest, SumsThatCancelAcrossWritesComeBackExactly) {
  // Stored in two calls, so an hour's sum is kept past the double range.
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10 * kMinute, 1.7e308), At(11 * kMinute, 1.7e308)}));
  ASSERT_NO_FATAL_FAILURE(this->Put({At(12 * kMinute, -1.7e308), At(13 * kMinute, -1.7e308)}));
  for (const auto& [road, a] : this->EveryRoad()) {
    EXPECT_EQ(a.count, 4) << road;
    EXPECT_EQ(a.sum, 0) << road;
  }
  // A reading that replaces one of them is counted as exactly.
  ASSERT_NO_FATAL_FAILURE(this->Put({At(13 * kMinute, 1)}));
  for (const auto& [road, a] : this->EveryRoad()) {
    EXPECT_EQ(a.count, 4) << road;
    EXPECT_EQ(a.sum, 1.7e308) << road;  // the 1 is far below the last bit kept
  }
}

TYPED_TEST(StoreStatsTest, ASumBeyondTheDoubleRangeKeepsItsValue) {
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10 * kMinute, 1e308), At(11 * kMinute, 1e308)}));
  const long double twice = 2 * static_cast<long double>(1e308);
  for (const auto& [road, a] : this->EveryRoad()) {
    EXPECT_EQ(a.count, 2) << road;
    EXPECT_EQ(a.sum, twice) << road;
    EXPECT_EQ(a.sum / a.count, 1e308) << road;
  }
  // Across hours: each hour's sum is a double, the window's is not.
  ASSERT_NO_FATAL_FAILURE(this->Put({At(11 * kMinute, 0.5), At(70 * kMinute, 1e308)}));
  for (const TimeWindow& window :
       {Window(kNone, kNone), Window(0, 2 * kHour - 1), Window(kMinute, 119 * kMinute)}) {
    std::vector<StatsBucket> all = this->Stats(window);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].aggregate.sum, twice);
    std::vector<StatsBucket> day = this->Stats(window, kDay);
    ASSERT_EQ(day.size(), 1u);
    EXPECT_EQ(day[0].aggregate.sum, twice);
  }
}

TYPED_TEST(StoreStatsTest, AStoredReadingIsInTheNextAnswer) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_NO_FATAL_FAILURE(this->Put({At(i * 17 * kMinute, i)}));
    EXPECT_TRUE(this->StatsMatchModel(Window(kNone, kNone)));
    EXPECT_TRUE(this->StatsMatchModel(Window(kHour, kNone)));
  }
}

TYPED_TEST(StoreStatsTest, ReadsOneSnapshotWhileAnotherThreadWrites) {
  // Each write adds one reading to a partial hour (answered from raw
  // readings) and one to a whole hour (answered from hour statistics): a
  // read that mixed two snapshots would see an odd count.
  const TimeWindow window = Window(30 * kMinute, 2 * kHour - 1);
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int64_t i = 0; i < 60; ++i) {
      IngestBatch batch{.input_pk = this->pk_,
                        .readings = {At(40 * kMinute + i, 1), At(kHour + i, 2)}};
      const IngestBatch* pointers[] = {&batch};
      Result<std::vector<std::vector<int64_t>>> ids = this->store_->WriteBatches(pointers);
      EXPECT_TRUE(ids.has_value()) << ids.error().ToString();
    }
    done = true;
  });
  int64_t last = 0;
  while (!done) {
    std::vector<StatsBucket> buckets = this->Stats(window);
    ASSERT_EQ(buckets.size(), 1u);
    const int64_t count = buckets[0].aggregate.count;
    EXPECT_EQ(count % 2, 0) << count;
    EXPECT_EQ(buckets[0].aggregate.sum, 1.5 * static_cast<double>(count));
    EXPECT_GE(count, last);
    last = count;
  }
  writer.join();
  EXPECT_EQ(this->Stats(window)[0].aggregate.count, 120);
}

}  // namespace
}  // namespace dc
