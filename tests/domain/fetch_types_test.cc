// Aggregate: its sum cannot overflow, so a sum that leaves the double range
// comes back exactly however the readings are split into merged parts, and
// its mean is always a finite number between the extremes.
#include "domain/fetch_types.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace dc {
namespace {

// The aggregate of `values` at timestamps 0, 1, ..., added one by one, or
// merged from parts that each hold `part` readings.
Aggregate AggregateOfValues(const std::vector<double>& values, size_t part = 1) {
  Aggregate total;
  for (size_t start = 0; start < values.size(); start += part) {
    Aggregate piece;
    for (size_t i = start; i < values.size() && i < start + part; ++i) {
      piece.Add(Timestamp{static_cast<int64_t>(i)}, values[i]);
    }
    total.Merge(piece);
  }
  return total;
}

TEST(AggregateTest, ASumThatLeavesTheDoubleRangeComesBackExactly) {
  const std::vector<std::vector<double>> orders = {{1.7e308, 1.7e308, -1.7e308, -1.7e308},
                                                   {1.7e308, -1.7e308, 1.7e308, -1.7e308},
                                                   {-1.7e308, -1.7e308, 1.7e308, 1.7e308}};
  for (const std::vector<double>& values : orders) {
    for (size_t part : {1, 2, 3, 4}) {
      SCOPED_TRACE("part of " + std::to_string(part) + ", first " + std::to_string(values[0]));
      const Aggregate a = AggregateOfValues(values, part);
      EXPECT_EQ(a.count, 4);
      EXPECT_EQ(a.sum, 0);
      EXPECT_EQ(a.Sum(), std::optional<double>(0));
      EXPECT_EQ(a.Mean(), 0);
      EXPECT_EQ(a.min, -1.7e308);
      EXPECT_EQ(a.max, 1.7e308);
    }
  }
}

TEST(AggregateTest, ASumBeyondTheDoubleRangeHasNoDoubleButItsMeanIsExact) {
  const double most = std::numeric_limits<double>::max();
  for (const double value : {1e308, -1e308, most, -most}) {
    SCOPED_TRACE(value);
    for (size_t part : {1, 2}) {
      const Aggregate a = AggregateOfValues({value, value, value}, part);
      EXPECT_EQ(a.sum, 3 * static_cast<long double>(value));
      EXPECT_EQ(a.Sum(), std::nullopt);
      EXPECT_EQ(a.Mean(), value);
    }
  }
  // A billion largest doubles, merged: still exact.
  Aggregate one = AggregateOfValues({most});
  Aggregate many;
  for (int i = 0; i < 30; ++i) {
    many.Merge(one);
    const Aggregate copy = one;
    one.Merge(copy);  // doubles it: 2^30 - 1 readings in `many` at the end
  }
  EXPECT_EQ(many.count, (int64_t{1} << 30) - 1);
  EXPECT_EQ(many.Mean(), most);
}

TEST(AggregateTest, TheLargestDoubleIsStillASum) {
  const double most = std::numeric_limits<double>::max();
  EXPECT_EQ(AggregateOfValues({most}).Sum(), std::optional<double>(most));
  EXPECT_EQ(AggregateOfValues({most, 1}).Sum(), std::optional<double>(most));
  EXPECT_EQ(AggregateOfValues({most, most, -most}).Sum(), std::optional<double>(most));
  EXPECT_EQ(AggregateOfValues({-most, -1}).Sum(), std::optional<double>(-most));
}

TEST(AggregateTest, OrdinarySumsAreTheDoubleSums) {
  // Quarters and decimals, as the property tests use: the same sum as
  // adding doubles, or closer.
  EXPECT_EQ(AggregateOfValues({0.25, -1.5, 7, 2.75}).Sum(), std::optional<double>(8.5));
  EXPECT_EQ(AggregateOfValues({0.1, 0.2}).Sum(), std::optional<double>(0.1 + 0.2));
  EXPECT_EQ(AggregateOfValues({0.1, 0.2, 0.3}).Mean(), 0.2);  // 0.20000000000000004 in doubles
  // The mean never strays outside the extremes by rounding.
  const Aggregate tenths = AggregateOfValues(std::vector<double>(1000, 0.1), 7);
  EXPECT_EQ(tenths.Mean(), 0.1);
  EXPECT_EQ(AggregateOfValues({1e-310, 1e-310}).Mean(), 1e-310);  // subnormals too
}

TEST(AggregateTest, AnEmptyAggregateSumsToZero) {
  const Aggregate empty;
  EXPECT_EQ(empty.Sum(), std::optional<double>(0));
  Aggregate merged = AggregateOfValues({5, 6});
  merged.Merge(empty);
  EXPECT_EQ(merged.count, 2);
  EXPECT_EQ(merged.Sum(), std::optional<double>(11));
}

}  // namespace
}  // namespace dc
