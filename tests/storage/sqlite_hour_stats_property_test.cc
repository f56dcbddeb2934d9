// A property test of the SQLite backend's readings, hour statistics and
// fetches: random writes (new readings, replacements, out-of-order and
// duplicate timestamps across hour boundaries and 1970), after each of which
// every hour_stats row must equal the aggregate of a raw scan, and random
// ScanReadings and Statistics queries must equal brute-force answers from
// the test's own model of the stored readings, and the reading blocks must
// stay well formed (runs longer than a block land anywhere in history).
//
// The seed is printed; DC_PROPERTY_SEED=<seed> replays a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "storage/hour_stats_check.h"
#include "storage/raw_db.h"
#include "storage/reading_model.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/two_input_store.h"
#include "support/temp_dir.h"

namespace dc::sqlite {
namespace {

using ::dc::testing::BlocksWellFormed;
using ::dc::testing::HourStatsMatch;
using ::dc::testing::HourStatsMatchReadings;
using ::dc::testing::RawDb;
using ::dc::testing::ReadingModel;
using ::dc::testing::SameAggregate;
using ::dc::testing::SameBuckets;
using ::dc::testing::TempDir;

constexpr int64_t kHour = kMicrosPerHour;
constexpr int64_t kMinute = kMicrosPerMinute;
constexpr int kSteps = 250;
constexpr int kQueriesPerStep = 3;

uint64_t Seed() {
  if (const char* text = std::getenv("DC_PROPERTY_SEED"); text != nullptr && *text != '\0') {
    return std::strtoull(text, nullptr, 10);
  }
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  int64_t Between(int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool OneIn(int n) { return Between(1, n) == 1; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Between(0, static_cast<int64_t>(items.size()) - 1))];
  }

  // A timestamp in [-4h, 4h), often on or next to an hour boundary.
  int64_t Timestamp() {
    if (OneIn(4)) return Between(-4, 4) * kHour + Between(-1, 1);
    if (OneIn(3)) return Between(-4, 3) * kHour + Between(0, 59) * kMinute;
    return Between(-4 * kHour, 4 * kHour - 1);
  }
  // Values in quarters (many ties, exact sums), sometimes any double.
  double Value() {
    if (OneIn(5)) return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
    return static_cast<double>(Between(-40, 40)) / 4;
  }
  std::optional<int64_t> Edge() {
    if (OneIn(5)) return std::nullopt;
    return Timestamp();
  }

 private:
  std::mt19937_64 rng_;
};

class SqlitePropertyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    // kNormal: no fsync per commit, so hundreds of steps take little time.
    testing::OpenStoreWithTwoInputs(path_, StoreOptions{.sync = SyncMode::kNormal}, &store_, &pks_);
    for (int64_t pk : pks_) models_[pk];
  }

  // One call of 1..3 batches with new readings, replacements of stored
  // ones and repeats of timestamps earlier in the call.
  void RandomWrite(Random& random) {
    std::vector<IngestBatch> batches;
    std::vector<int64_t> used;
    const int64_t batch_count = random.Between(1, 3);
    for (int64_t b = 0; b < batch_count; ++b) {
      IngestBatch batch{.input_pk = random.Pick(pks_), .readings = {}};
      const ReadingModel& model = models_[batch.input_pk];
      if (random.OneIn(12)) {
        // A run longer than a block, at 1 s steps: it fills, splits and
        // rewrites blocks, wherever it lands in the input's history.
        const int64_t start = random.Timestamp();
        const int64_t length = random.Between(200, 700);
        for (int64_t i = 0; i < length; ++i) {
          Reading reading;
          reading.timestamp = dc::Timestamp{start + i * 1'000'000};
          reading.value = random.Value();
          batch.readings.push_back(reading);
        }
        batches.push_back(std::move(batch));
        continue;
      }
      const int64_t size = random.Between(1, 12);
      for (int64_t i = 0; i < size; ++i) {
        int64_t ts = random.Timestamp();
        if (!model.readings().empty() && random.OneIn(3)) {
          auto it = model.readings().lower_bound(ts);
          if (it == model.readings().end()) --it;
          ts = it->first;  // a replacement
        } else if (!used.empty() && random.OneIn(6)) {
          ts = random.Pick(used);  // a repeat within the call
        }
        used.push_back(ts);
        Reading reading;
        reading.timestamp = dc::Timestamp{ts};
        reading.value = random.Value();
        batch.readings.push_back(reading);
      }
      batches.push_back(std::move(batch));
    }
    std::vector<const IngestBatch*> pointers;
    for (const IngestBatch& batch : batches) pointers.push_back(&batch);
    Result<std::vector<std::vector<int64_t>>> ids = store_->WriteBatches(pointers);
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    for (const IngestBatch& batch : batches) {
      for (const Reading& r : batch.readings) {
        models_[batch.input_pk].Put(r.timestamp.micros, r.value);
      }
    }
  }

  void CheckScan(Random& random) {
    const int64_t pk = random.Pick(pks_);
    const ReadingModel& model = models_[pk];
    // Everything, by time: the stored readings are the model's.
    std::vector<std::pair<int64_t, double>> all;
    Status status = store_->ScanReadings(
        RawScan{.input_pk = pk, .window = {}, .limit = 1'000'000, .sort = SortDirection::kAsc},
        [&](const Reading& r) { all.emplace_back(r.timestamp.micros, r.value); });
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(all, (std::vector<std::pair<int64_t, double>>(model.readings().begin(),
                                                            model.readings().end())));
    // A random window by value.
    TimeWindow window;
    if (std::optional<int64_t> start = random.Edge()) window.start = dc::Timestamp{*start};
    if (std::optional<int64_t> finish = random.Edge()) window.finish = dc::Timestamp{*finish};
    const int64_t limit = random.Between(1, 20);
    const SortDirection sort = random.OneIn(2) ? SortDirection::kAsc : SortDirection::kDesc;
    std::vector<std::pair<double, int64_t>> want;
    for (const auto& [ts, value] : model.InWindow(window)) want.emplace_back(value, ts);
    std::sort(want.begin(), want.end());
    if (sort == SortDirection::kDesc) std::reverse(want.begin(), want.end());
    if (static_cast<int64_t>(want.size()) > limit) want.resize(static_cast<size_t>(limit));
    std::vector<std::pair<double, int64_t>> got;
    status = store_->ScanReadings(
        RawScan{.input_pk = pk,
                .window = window,
                .limit = limit,
                .order_by = OrderBy::kValue,
                .sort = sort,
                // Then the kept readings are read again, whole, from their
                // blocks: each must come back as the one ranked.
                .with_metadata = random.OneIn(2)},
        [&](const Reading& r) { got.emplace_back(r.value, r.timestamp.micros); });
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(got, want);
  }

  void CheckStatistics(Random& random) {
    const int64_t pk = random.Pick(pks_);
    TimeWindow window;
    if (std::optional<int64_t> start = random.Edge()) window.start = dc::Timestamp{*start};
    if (std::optional<int64_t> finish = random.Edge()) window.finish = dc::Timestamp{*finish};
    const std::vector<std::optional<int64_t>> intervals = {
        std::nullopt, std::nullopt, kHour,       2 * kHour,    3 * kHour,
        24 * kHour,   15 * kMinute, 7 * kMinute, 90 * kMinute, 1'000'000};
    const std::optional<int64_t> interval = random.Pick(intervals);
    const int64_t max_buckets = random.OneIn(2) ? 1000 : random.Between(0, 5);
    Result<std::vector<StatsBucket>> buckets = store_->Statistics(StatsScan{
        .input_pk = pk, .window = window, .interval_micros = interval, .max_buckets = max_buckets});
    ASSERT_TRUE(buckets.has_value()) << buckets.error().ToString();
    const std::string what =
        "window " + (window.start ? std::to_string(window.start->micros) : "-") + " .. " +
        (window.finish ? std::to_string(window.finish->micros) : "-") + " interval " +
        (interval ? std::to_string(*interval) : "-") + " max " + std::to_string(max_buckets);
    if (!interval) {
      ASSERT_EQ(buckets->size(), 1u) << what;
      ASSERT_TRUE(SameAggregate((*buckets)[0].aggregate, models_[pk].AggregateOf(window))) << what;
    } else {
      ASSERT_TRUE(SameBuckets(*buckets, models_[pk].Buckets(window, *interval, max_buckets)))
          << what;
    }
  }

  TempDir dir_;
  const std::string path_ = dir_.File("store.db");
  std::unique_ptr<SqliteStore> store_;
  std::vector<int64_t> pks_;
  std::map<int64_t, ReadingModel> models_;
};

TEST_F(SqlitePropertyTest, RandomWritesKeepHourStatsAndAnswersRight) {
  const uint64_t seed = Seed();
  std::cout << "[ seed     ] DC_PROPERTY_SEED=" << seed << "\n";
  SCOPED_TRACE("DC_PROPERTY_SEED=" + std::to_string(seed));
  Random random(seed);
  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  int cases = 0;
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    ASSERT_NO_FATAL_FAILURE(RandomWrite(random));
    // Every other step, two groups share one merge, with their duplicates.
    if (step % 2 == 1) {
      ASSERT_NO_FATAL_FAILURE(RandomWrite(random));
    }
    ++cases;
    // The file is read directly below: everything merged first.
    ASSERT_TRUE(store_->Flush().ok());
    ASSERT_TRUE(BlocksWellFormed(raw.get()));
    ASSERT_TRUE(HourStatsMatchReadings(raw.get()));
    ASSERT_TRUE(HourStatsMatch(raw.get(), models_));
    ASSERT_NO_FATAL_FAILURE(CheckScan(random));
    for (int q = 0; q < kQueriesPerStep; ++q) {
      ASSERT_NO_FATAL_FAILURE(CheckStatistics(random));
      ++cases;
    }
  }
  std::cout << "[ cases    ] " << cases << " (" << kSteps << " writes), "
            << models_[pks_[0]].readings().size() + models_[pks_[1]].readings().size()
            << " readings stored\n";
}

}  // namespace
}  // namespace dc::sqlite
