// The pure parts of the SQLite backend's fetch paths: hour and bucket
// arithmetic, the split of a window into whole hours and edges, and the
// bounded heap behind order_by=value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/top_by_value.h"
#include "storage/sqlite/window_split.h"

namespace dc::sqlite {
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

}  // namespace
}  // namespace dc::sqlite
