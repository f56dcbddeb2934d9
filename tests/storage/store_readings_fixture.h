#pragma once

// The fixture of the contract tests of ScanReadings and Statistics: one org
// with one input, whose readings the test also keeps in a ReadingModel.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/reading_model.h"
#include "storage/store.h"
#include "storage/store_contract_fixture.h"

namespace dc::testing {

inline constexpr int64_t kMinute = kMicrosPerMinute;
inline constexpr int64_t kHour = kMicrosPerHour;
inline constexpr int64_t kDay = kMicrosPerDay;

inline TimeWindow Window(std::optional<int64_t> start, std::optional<int64_t> finish) {
  TimeWindow window;
  if (start) window.start = Timestamp{*start};
  if (finish) window.finish = Timestamp{*finish};
  return window;
}

inline std::vector<int64_t> TimesOf(const std::vector<Reading>& readings) {
  std::vector<int64_t> times;
  for (const Reading& reading : readings) times.push_back(reading.timestamp.micros);
  return times;
}

template <typename Backend>
class StoreReadingsTest : public StoreContractTest<Backend> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreContractTest<Backend>::SetUp());
    if (this->IsSkipped()) return;
    ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
    pk_ = this->AddInput("o", "sen1");
  }

  // Stores `readings` in one call, and in the model.
  void Put(const std::vector<Reading>& readings) {
    Result<Ids> ids = this->Write({IngestBatch{.input_pk = pk_, .readings = readings}});
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    for (const Reading& reading : readings) model_.Put(reading.timestamp.micros, reading.value);
  }

  std::vector<Reading> Scan(RawScan scan) {
    std::vector<Reading> readings;
    Status status =
        this->store_->ScanReadings(scan, [&](const Reading& r) { readings.push_back(r); });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return readings;
  }
  RawScan ScanOf(const TimeWindow& window, int64_t limit, OrderBy order_by, SortDirection sort) {
    return RawScan{.input_pk = pk_,
                   .window = window,
                   .limit = limit,
                   .order_by = order_by,
                   .sort = sort,
                   .with_lat_long = false,
                   .with_x_axis = false,
                   .with_metadata = false};
  }

  std::vector<StatsBucket> Stats(const TimeWindow& window,
                                 std::optional<int64_t> interval = std::nullopt,
                                 int64_t max_buckets = 1000, std::optional<int64_t> pk = {}) {
    Result<std::vector<StatsBucket>> buckets =
        this->store_->Statistics(StatsScan{.input_pk = pk.value_or(pk_),
                                           .window = window,
                                           .interval_micros = interval,
                                           .max_buckets = max_buckets});
    EXPECT_TRUE(buckets.has_value()) << buckets.error().ToString();
    return buckets.has_value() ? *buckets : std::vector<StatsBucket>();
  }

  // Statistics of `window` without interval, checked against the model.
  ::testing::AssertionResult StatsMatchModel(const TimeWindow& window) {
    std::vector<StatsBucket> buckets = Stats(window);
    if (buckets.size() != 1) {
      return ::testing::AssertionFailure() << buckets.size() << " buckets without interval";
    }
    return SameAggregate(buckets[0].aggregate, model_.AggregateOf(window));
  }
  ::testing::AssertionResult BucketsMatchModel(const TimeWindow& window, int64_t interval,
                                               int64_t max_buckets = 1000) {
    return SameBuckets(Stats(window, interval, max_buckets),
                       model_.Buckets(window, interval, max_buckets));
  }

  int64_t pk_ = 0;
  ReadingModel model_;
};

}  // namespace dc::testing
