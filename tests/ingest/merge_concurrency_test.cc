// The store's two-step ingest under concurrency: uploads appended to the
// ingest log while the merge thread writes earlier ones into the tables and
// readers read. What a reader must see is everything acknowledged before
// its read began, whichever step those readings are in. These tests also
// run under ThreadSanitizer (scripts/build tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/two_input_store.h"
#include "support/temp_dir.h"

namespace dc::testing {
namespace {

IngestBatch Batch(int64_t input_pk, int64_t first, int count, double value) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < count; ++i) {
    Reading reading;
    reading.timestamp = Timestamp{first + i};
    reading.value = value;
    batch.readings.push_back(reading);
  }
  return batch;
}

class MergeConcurrencyTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    // Merges on every timing, from at once to never by time.
    sqlite::SqliteOptions timings;
    timings.merge_idle_ms = GetParam();
    timings.merge_max_delay_ms = GetParam() * 10;
    OpenStoreWithTwoInputs(dir_.path() + "/db.sqlite", StoreOptions{}, &store_, &pks_, timings);
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::vector<int64_t> pks_;
};

TEST_P(MergeConcurrencyTest, ReadersSeeEveryReadingAcknowledgedBeforeTheirRead) {
  constexpr int kGroups = 300;
  constexpr int kPerGroup = 20;
  // Per input, readings acknowledged so far (published after WriteBatches
  // returns, as a 201 would be sent).
  std::atomic<int64_t> acknowledged[2] = {0, 0};
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};

  std::thread writer([&] {
    for (int g = 0; g < kGroups; ++g) {
      const int input = g % 2;
      // Every fifth group also replaces readings of the group before it,
      // which may still be unmerged: same ids, no new rows.
      const int back = g % 5 == 0 && g >= 2 ? kPerGroup / 2 : 0;
      const IngestBatch batch = Batch(pks_[input], (g / 2) * kPerGroup - back, kPerGroup + back, g);
      const IngestBatch* group[] = {&batch};
      Result<std::vector<std::vector<int64_t>>> ids = store_->WriteBatches(group);
      ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
      acknowledged[input] = (g / 2) * kPerGroup + kPerGroup;
    }
    writing = false;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      const int input = r % 2;
      while (writing) {
        const int64_t at_least = acknowledged[input];
        Result<int64_t> count = store_->CountReadings(pks_[input]);
        ASSERT_TRUE(count.has_value()) << count.error().ToString();
        ASSERT_GE(*count, at_least);
        Result<std::vector<StatsBucket>> stats = store_->Statistics(StatsScan{
            .input_pk = pks_[input], .window = {}, .interval_micros = {}, .max_buckets = 1});
        ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
        ASSERT_GE((*stats)[0].aggregate.count, at_least);
        ++reads;
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) reader.join();
  EXPECT_GT(reads.load(), 0);
  ASSERT_TRUE(store_->Flush().ok());
  EXPECT_EQ(store_->CountReadings(pks_[0]).value(), kGroups / 2 * kPerGroup);
  EXPECT_EQ(store_->CountReadings(pks_[1]).value(), kGroups / 2 * kPerGroup);
}

INSTANTIATE_TEST_SUITE_P(MergeTimings, MergeConcurrencyTest, ::testing::Values(0, 1, 60'000));

}  // namespace
}  // namespace dc::testing
