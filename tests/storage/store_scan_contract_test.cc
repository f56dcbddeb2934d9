// The contract of Store::ScanReadings, run against every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "storage/store.h"
#include "storage/store_readings_fixture.h"

namespace dc {
namespace {

using ::dc::testing::At;
using ::dc::testing::BackendNames;
using ::dc::testing::Full;
using ::dc::testing::StoreBackends;
using ::dc::testing::TimesOf;
using ::dc::testing::Window;

template <typename Backend>
class StoreScanTest : public ::dc::testing::StoreReadingsTest<Backend> {};
TYPED_TEST_SUITE(StoreScanTest, StoreBackends, BackendNames);

using Times = std::vector<int64_t>;
constexpr OrderBy kByTime = OrderBy::kTimestamp;
constexpr OrderBy kByValue = OrderBy::kValue;
constexpr SortDirection kAsc = SortDirection::kAsc;
constexpr SortDirection kDesc = SortDirection::kDesc;

TYPED_TEST(StoreScanTest, WindowIsInclusiveAndAnAbsentEndIsUnbounded) {
  ASSERT_NO_FATAL_FAILURE(
      this->Put({At(30, 3), At(10, 1), At(50, 5), At(20, 2), At(40, 4), At(-10, -1)}));
  auto times = [&](std::optional<int64_t> start, std::optional<int64_t> finish,
                   SortDirection sort) {
    return TimesOf(this->Scan(this->ScanOf(Window(start, finish), 1000, kByTime, sort)));
  };
  EXPECT_EQ(times(20, 40, kAsc), (Times{20, 30, 40}));
  EXPECT_EQ(times(20, 40, kDesc), (Times{40, 30, 20}));
  EXPECT_EQ(times(21, 39, kAsc), (Times{30}));
  EXPECT_EQ(times(30, 30, kAsc), (Times{30}));
  EXPECT_EQ(times(30, std::nullopt, kAsc), (Times{30, 40, 50}));
  EXPECT_EQ(times(std::nullopt, 10, kDesc), (Times{10, -10}));
  EXPECT_EQ(times(std::nullopt, std::nullopt, kAsc), (Times{-10, 10, 20, 30, 40, 50}));
  EXPECT_EQ(times(-10, 0, kAsc), (Times{-10}));
}

TYPED_TEST(StoreScanTest, LimitTakesTheFirstInTheSortDirection) {
  ASSERT_NO_FATAL_FAILURE(this->Put({At(1, 1), At(2, 2), At(3, 3), At(4, 4), At(5, 5)}));
  const TimeWindow all = Window(std::nullopt, std::nullopt);
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(all, 2, kByTime, kDesc))), (Times{5, 4}));
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(all, 2, kByTime, kAsc))), (Times{1, 2}));
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(Window(2, 4), 2, kByTime, kDesc))), (Times{4, 3}));
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(all, 100, kByTime, kDesc))), (Times{5, 4, 3, 2, 1}));
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(all, 1, kByValue, kDesc))), (Times{5}));
}

TYPED_TEST(StoreScanTest, ByValueTiesAreOrderedByTimestampInTheSameDirection) {
  ASSERT_NO_FATAL_FAILURE(
      this->Put({At(1, 5), At(2, 3), At(3, 5), At(4, 1), At(5, 3), At(6, 9), At(7, -0.5)}));
  const TimeWindow all = Window(std::nullopt, std::nullopt);
  auto scan = [&](int64_t limit, SortDirection sort, TimeWindow window) {
    std::vector<std::pair<double, int64_t>> got;
    for (const Reading& r : this->Scan(this->ScanOf(window, limit, kByValue, sort))) {
      got.emplace_back(r.value, r.timestamp.micros);
    }
    return got;
  };
  using Got = std::vector<std::pair<double, int64_t>>;
  EXPECT_EQ(scan(100, kAsc, all), (Got{{-0.5, 7}, {1, 4}, {3, 2}, {3, 5}, {5, 1}, {5, 3}, {9, 6}}));
  EXPECT_EQ(scan(100, kDesc, all),
            (Got{{9, 6}, {5, 3}, {5, 1}, {3, 5}, {3, 2}, {1, 4}, {-0.5, 7}}));
  // The limit cuts between equal values by timestamp.
  EXPECT_EQ(scan(3, kAsc, all), (Got{{-0.5, 7}, {1, 4}, {3, 2}}));
  EXPECT_EQ(scan(2, kDesc, all), (Got{{9, 6}, {5, 3}}));
  EXPECT_EQ(scan(2, kDesc, Window(1, 5)), (Got{{5, 3}, {5, 1}}));
  EXPECT_EQ(scan(3, kAsc, Window(2, 6)), (Got{{1, 4}, {3, 2}, {3, 5}}));
}

TYPED_TEST(StoreScanTest, ByValueMatchesASortOfTheWindow) {
  // Many equal values, so ties decide most of the order.
  std::mt19937_64 rng(20240517);
  std::vector<Reading> readings;
  for (int i = 0; i < 3000; ++i) {
    Reading reading = At(static_cast<int64_t>(rng() % 100'000) - 50'000,
                         static_cast<double>(static_cast<int>(rng() % 41) - 20) / 2);
    reading.latitude = static_cast<double>(reading.timestamp.micros) / 1000;
    readings.push_back(reading);
  }
  ASSERT_NO_FATAL_FAILURE(this->Put(readings));
  for (int round = 0; round < 40; ++round) {
    const int64_t a = static_cast<int64_t>(rng() % 120'000) - 60'000;
    const int64_t b = static_cast<int64_t>(rng() % 120'000) - 60'000;
    const TimeWindow window = Window(round % 7 == 0 ? std::nullopt : std::optional(std::min(a, b)),
                                     round % 5 == 0 ? std::nullopt : std::optional(std::max(a, b)));
    const int64_t limit = 1 + static_cast<int64_t>(rng() % 400);
    const SortDirection sort = round % 2 == 0 ? kAsc : kDesc;

    std::vector<std::pair<double, int64_t>> want;
    for (const auto& [ts, value] : this->model_.InWindow(window)) want.emplace_back(value, ts);
    std::sort(want.begin(), want.end());
    if (sort == kDesc) std::reverse(want.begin(), want.end());
    if (static_cast<int64_t>(want.size()) > limit) want.resize(static_cast<size_t>(limit));

    RawScan scan = this->ScanOf(window, limit, kByValue, sort);
    scan.with_lat_long = round % 3 == 0;
    std::vector<std::pair<double, int64_t>> got;
    for (const Reading& r : this->Scan(scan)) {
      got.emplace_back(r.value, r.timestamp.micros);
      if (scan.with_lat_long) {
        ASSERT_EQ(r.latitude, static_cast<double>(r.timestamp.micros) / 1000);
      }
    }
    ASSERT_EQ(got, want) << "round " << round << " limit " << limit;
  }
}

TYPED_TEST(StoreScanTest, FillsOnlyTheRequestedColumns) {
  Reading partial = At(20, 2);
  partial.longitude = 7.5;  // a latitude-less reading keeps its longitude
  ASSERT_NO_FATAL_FAILURE(this->Put({Full(10, 1), partial}));
  for (int flags = 0; flags < 8; ++flags) {
    for (OrderBy order_by : {kByTime, kByValue}) {
      RawScan scan = this->ScanOf(Window(std::nullopt, std::nullopt), 10, order_by, kAsc);
      scan.with_lat_long = (flags & 1) != 0;
      scan.with_x_axis = (flags & 2) != 0;
      scan.with_metadata = (flags & 4) != 0;
      const std::vector<Reading> got = this->Scan(scan);
      SCOPED_TRACE("flags " + std::to_string(flags) +
                   (order_by == kByTime ? " by time" : " by value"));
      ASSERT_EQ(TimesOf(got), (Times{10, 20}));
      const Reading& full = got[0];
      EXPECT_EQ(full.value, 1);
      EXPECT_EQ(full.latitude, scan.with_lat_long ? std::optional(40.73061) : std::nullopt);
      EXPECT_EQ(full.longitude, scan.with_lat_long ? std::optional(-73.935242) : std::nullopt);
      EXPECT_EQ(full.x_axis_value, scan.with_x_axis ? "\"left\"" : "");
      EXPECT_EQ(full.metadata, scan.with_metadata ? R"({"k":[1,2]})" : "");
      EXPECT_FALSE(got[1].latitude.has_value());
      EXPECT_EQ(got[1].longitude, scan.with_lat_long ? std::optional(7.5) : std::nullopt);
      EXPECT_EQ(got[1].x_axis_value, "");
      EXPECT_EQ(got[1].metadata, "");
    }
  }
}

TYPED_TEST(StoreScanTest, EmptyWindowsAndUnknownInputsGiveNoReadings) {
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10, 1), At(20, 2)}));
  for (OrderBy order_by : {kByTime, kByValue}) {
    for (SortDirection sort : {kAsc, kDesc}) {
      EXPECT_TRUE(this->Scan(this->ScanOf(Window(11, 19), 10, order_by, sort)).empty());
      EXPECT_TRUE(this->Scan(this->ScanOf(Window(20, 10), 10, order_by, sort)).empty());
      EXPECT_TRUE(this->Scan(this->ScanOf(Window(21, std::nullopt), 10, order_by, sort)).empty());
      RawScan unknown = this->ScanOf(Window(std::nullopt, std::nullopt), 10, order_by, sort);
      unknown.input_pk = this->pk_ + 1000;
      EXPECT_TRUE(this->Scan(unknown).empty());
    }
  }
}

TYPED_TEST(StoreScanTest, SeesReplacementsAndKeepsInputsApart) {
  const int64_t other = this->AddInput("o", "sen2");
  ASSERT_TRUE(this->Write({IngestBatch{.input_pk = other, .readings = {At(15, 100)}}}).has_value());
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10, 1), At(20, 2)}));
  ASSERT_NO_FATAL_FAILURE(this->Put({At(10, 30)}));
  const std::vector<Reading> got =
      this->Scan(this->ScanOf(Window(std::nullopt, std::nullopt), 10, kByValue, kDesc));
  ASSERT_EQ(TimesOf(got), (Times{10, 20}));
  EXPECT_EQ(got[0].value, 30);
}

TYPED_TEST(StoreScanTest, ReadingsBefore1970AreOrderedByTime) {
  ASSERT_NO_FATAL_FAILURE(
      this->Put({At(3, 0), At(-1, 0), At(-3'600'000'001, 0), At(0, 0), At(-5, 0)}));
  EXPECT_EQ(
      TimesOf(this->Scan(this->ScanOf(Window(std::nullopt, std::nullopt), 10, kByTime, kAsc))),
      (Times{-3'600'000'001, -5, -1, 0, 3}));
  EXPECT_EQ(TimesOf(this->Scan(this->ScanOf(Window(-5, 0), 10, kByValue, kDesc))),
            (Times{0, -1, -5}));
}

}  // namespace
}  // namespace dc
