// IngestWriter under concurrency: many connections' uploads funnelled into
// one writer thread with group commit, readers scanning while it commits.
// These tests also run under ThreadSanitizer (scripts/build tsan).
#include "ingest/ingest_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/two_input_store.h"
#include "support/temp_dir.h"

namespace dc::testing {
namespace {

// What the writer reported for one upload.
struct Outcome {
  bool called = false;
  int calls = 0;
  Status status = Status::Ok();
  std::vector<int64_t> ids;
};

class IngestWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenStoreWithTwoInputs(dir_.path() + "/db.sqlite", StoreOptions{}, &store_, &pks_);
  }

  // A batch of `count` readings for input `input` at seconds first, first+1, ...
  IngestBatch Batch(int input, int64_t first, int count, double value) const {
    return ConsecutiveReadings(pks_[input], first, count, value);
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::vector<int64_t> pks_;
};

// Every upload from every thread is answered exactly once, with one id per
// reading, and is in the file afterwards; ids are never shared.
TEST_F(IngestWriterTest, ConcurrentUploadsAreAllCommittedAndAnsweredOnce) {
  constexpr int kThreads = 8;
  constexpr int kUploadsPerThread = 150;
  std::vector<Outcome> outcomes(kThreads * kUploadsPerThread);
  std::mutex mutex;  // guards outcomes
  int64_t expected_readings[2] = {0, 0};
  {
    IngestWriter writer(*store_, IngestOptions{});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      const int size = t % 2 == 0 ? 1 : 7;  // single readings and small batches
      expected_readings[t % 2 == 0 ? 0 : 1] += int64_t{kUploadsPerThread} * size;
      threads.emplace_back([&, t, size] {
        for (int u = 0; u < kUploadsPerThread; ++u) {
          const int slot = t * kUploadsPerThread + u;
          // Each thread has its own range of timestamps: nothing replaces.
          const int64_t first = (int64_t{t} * kUploadsPerThread + u) * 10;
          writer.Submit(Batch(size == 1 ? 0 : 1, first, size, slot),
                        [&, slot](Result<std::vector<int64_t>> ids) {
                          std::lock_guard lock(mutex);
                          Outcome& o = outcomes[slot];
                          o.called = true;
                          o.calls += 1;
                          if (ids) {
                            o.ids = std::move(*ids);
                          } else {
                            o.status = ids.error();
                          }
                        });
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    writer.Stop();  // commits what is still queued
    EXPECT_GE(writer.stats().readings,
              static_cast<uint64_t>(expected_readings[0] + expected_readings[1]));
  }

  std::set<int64_t> ids;
  for (size_t slot = 0; slot < outcomes.size(); ++slot) {
    const Outcome& o = outcomes[slot];
    ASSERT_EQ(o.calls, 1) << "upload " << slot;
    ASSERT_TRUE(o.status.ok()) << "upload " << slot << ": " << o.status.ToString();
    const size_t size = (slot / kUploadsPerThread) % 2 == 0 ? 1 : 7;
    ASSERT_EQ(o.ids.size(), size) << "upload " << slot;
    for (int64_t id : o.ids) EXPECT_TRUE(ids.insert(id).second) << "id " << id << " given twice";
  }
  EXPECT_EQ(*store_->CountReadings(pks_[0]), expected_readings[0]);
  EXPECT_EQ(*store_->CountReadings(pks_[1]), expected_readings[1]);
}

// Readers on other threads never see a commit half done: every scan of an
// input written in whole batches of 5 counts a multiple of 5.
TEST_F(IngestWriterTest, ReadersDuringCommitsSeeOnlyWholeUploads) {
  constexpr int kBatches = 300;
  constexpr int kBatchSize = 5;
  std::atomic<bool> writing{true};
  std::atomic<int> torn{0};
  std::atomic<int> scans{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (writing.load()) {
        RawScan scan;
        scan.input_pk = pks_[0];
        scan.limit = 100'000;
        int64_t seen = 0;
        Status status = store_->ScanReadings(scan, [&](const Reading&) { seen += 1; });
        if (!status.ok() || seen % kBatchSize != 0) torn.fetch_add(1);
        scans.fetch_add(1);
      }
    });
  }
  {
    IngestWriter writer(*store_, IngestOptions{});
    std::atomic<int> answered{0};
    for (int b = 0; b < kBatches; ++b) {
      writer.Submit(Batch(0, int64_t{b} * 10, kBatchSize, b),
                    [&](Result<std::vector<int64_t>> ids) {
                      EXPECT_TRUE(ids.has_value());
                      answered.fetch_add(1);
                    });
    }
    writer.Stop();
    EXPECT_EQ(answered.load(), kBatches);
  }
  writing = false;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0) << "of " << scans.load() << " scans";
  EXPECT_GT(scans.load(), 0);
  EXPECT_EQ(*store_->CountReadings(pks_[0]), int64_t{kBatches} * kBatchSize);
}

// Past max_pending_readings, uploads are refused at once (503) instead of
// queueing without bound, and the refused ones store nothing.
TEST_F(IngestWriterTest, FullQueueRefusesAndStoresNothingOfTheRefused) {
  IngestWriter writer(*store_,
                      IngestOptions{.max_pending_readings = 20, .max_readings_per_commit = 50'000});
  std::mutex mutex;
  int accepted = 0;
  int refused = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int u = 0; u < 200; ++u) {
        writer.Submit(Batch(1, (int64_t{t} * 200 + u) * 10, 10, u),
                      [&](Result<std::vector<int64_t>> ids) {
                        std::lock_guard lock(mutex);
                        if (ids) {
                          accepted += 1;
                        } else {
                          EXPECT_TRUE(ids.error().IsUnavailable()) << ids.error().ToString();
                          refused += 1;
                        }
                      });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  writer.Stop();
  EXPECT_EQ(accepted + refused, 800);
  EXPECT_EQ(*store_->CountReadings(pks_[1]), int64_t{accepted} * 10);
}

// After Stop, uploads are refused, not lost in a queue nobody drains.
TEST_F(IngestWriterTest, UploadsAfterStopAreRefused) {
  IngestWriter writer(*store_, IngestOptions{});
  writer.Stop();
  bool refused = false;
  writer.Submit(Batch(0, 0, 1, 1), [&](Result<std::vector<int64_t>> ids) {
    refused = !ids.has_value() && ids.error().IsUnavailable();
  });
  EXPECT_TRUE(refused);
  EXPECT_EQ(*store_->CountReadings(pks_[0]), 0);
}

}  // namespace
}  // namespace dc::testing
