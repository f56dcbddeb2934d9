// How the SQLite backend's reads behave beyond the Store contract: argument
// checks, the pool of reader connections, and reads that never wait for
// the writer.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/raw_db.h"
#include "storage/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace dc::sqlite {
namespace {

using ::dc::testing::RawDb;
using ::dc::testing::TempDir;

class SqliteFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Result<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(path_, StoreOptions{.sync = SyncMode::kNormal, .busy_timeout_ms = 50});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(
        store_->CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "", .key_hash = ""})
            .ok());
    Result<Input> input = store_->CreateInput(Input{.pk = 0,
                                                    .id = "sen1",
                                                    .org_id = "o",
                                                    .name = "In",
                                                    .measure_unit = "",
                                                    .data_source = DataSource::kApi});
    ASSERT_TRUE(input.has_value()) << input.error().ToString();
    pk_ = input->pk;
    IngestBatch batch{.input_pk = pk_, .readings = {}};
    for (int64_t i = 0; i < 10; ++i) {
      Reading reading;
      reading.timestamp = Timestamp{i * kMicrosPerMinute};
      reading.value = static_cast<double>(i);
      batch.readings.push_back(reading);
    }
    const IngestBatch* pointers[] = {&batch};
    ASSERT_TRUE(store_->WriteBatches(pointers).has_value());
    // Merged now: a read waits for nothing but its reader connection.
    ASSERT_TRUE(store_->Flush().ok());
  }

  RawScan AllOf() const {
    return RawScan{.input_pk = pk_,
                   .window = {},
                   .limit = 100,
                   .order_by = OrderBy::kTimestamp,
                   .sort = SortDirection::kAsc,
                   .with_lat_long = false,
                   .with_x_axis = false,
                   .with_metadata = false};
  }
  StatsScan StatsOf(std::optional<int64_t> interval, int64_t max_buckets) const {
    return StatsScan{
        .input_pk = pk_, .window = {}, .interval_micros = interval, .max_buckets = max_buckets};
  }
  int Visits(const RawScan& scan) {
    int visits = 0;
    Status status = store_->ScanReadings(scan, [&](const Reading&) { ++visits; });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return visits;
  }

  TempDir dir_;
  const std::string path_ = dir_.File("store.db");
  std::unique_ptr<SqliteStore> store_;
  int64_t pk_ = 0;
};

TEST_F(SqliteFetchTest, OutOfRangeArguments) {
  RawScan scan = AllOf();
  scan.limit = 0;
  EXPECT_EQ(Visits(scan), 0);
  scan.limit = -1;
  EXPECT_TRUE(store_->ScanReadings(scan, [](const Reading&) {}).IsInvalidArgument());

  for (int64_t interval : {int64_t{0}, -kMicrosPerHour}) {
    Result<std::vector<StatsBucket>> bad = store_->Statistics(StatsOf(interval, 10));
    ASSERT_FALSE(bad.has_value());
    EXPECT_TRUE(bad.error().IsInvalidArgument()) << bad.error().ToString();
  }
  Result<std::vector<StatsBucket>> bad = store_->Statistics(StatsOf(kMicrosPerHour, -1));
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().IsInvalidArgument()) << bad.error().ToString();
  Result<std::vector<StatsBucket>> none = store_->Statistics(StatsOf(kMicrosPerHour, 0));
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_TRUE(none->empty());
  // Without interval there is always the one bucket.
  Result<std::vector<StatsBucket>> one = store_->Statistics(StatsOf(std::nullopt, 0));
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].aggregate.count, 10);
}

TEST_F(SqliteFetchTest, ReadersAreOpenedOnDemandAndReadInParallel) {
  EXPECT_EQ(store_->ReadersOpenedForTesting(), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Visits(AllOf()), 10);
  EXPECT_EQ(store_->ReadersOpenedForTesting(), 1u);  // one at a time needs one

  // As many scans as the default read_connections, whose visitors wait for
  // each other: they can only all finish if they hold that many
  // connections at once.
  constexpr size_t kReaders = static_cast<size_t>(StoreOptions{}.read_connections);
  std::mutex mu;
  std::condition_variable cv;
  size_t inside = 0;
  bool timed_out = false;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kReaders; ++t) {
    threads.emplace_back([&] {
      RawScan scan = AllOf();
      scan.limit = 1;
      Status status = store_->ScanReadings(scan, [&](const Reading&) {
        std::unique_lock<std::mutex> lock(mu);
        ++inside;
        cv.notify_all();
        if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return inside >= kReaders; })) {
          timed_out = true;
        }
      });
      EXPECT_TRUE(status.ok()) << status.ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(timed_out);
  EXPECT_EQ(store_->ReadersOpenedForTesting(), kReaders);

  // More concurrent reads than connections wait their turn.
  threads.clear();
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(Visits(AllOf()), 10);
        Result<std::vector<StatsBucket>> stats = store_->Statistics(StatsOf(std::nullopt, 1));
        EXPECT_TRUE(stats.has_value());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(store_->ReadersOpenedForTesting(), kReaders);
}

// StoreOptions::read_connections (serve's --read-threads) is the pool's
// size: twelve concurrent readers of a store opened with two share two.
TEST_F(SqliteFetchTest, ReadConnectionsBoundThePool) {
  store_.reset();
  Result<std::unique_ptr<SqliteStore>> reopened =
      SqliteStore::Open(path_, StoreOptions{.sync = SyncMode::kNormal, .read_connections = 2});
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  store_ = std::move(*reopened);
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_EQ(Visits(AllOf()), 10);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GE(store_->ReadersOpenedForTesting(), 1u);
  EXPECT_LE(store_->ReadersOpenedForTesting(), 2u);
}

TEST_F(SqliteFetchTest, ReadsDoNotWaitForAWriterAndSeeOnlyCommittedData) {
  RawDb other(path_);
  ASSERT_EQ(other.Query("BEGIN IMMEDIATE;"
                        "INSERT INTO reading_blocks(input_pk, first_ts, last_ts, count, data) "
                        "VALUES (" +
                        std::to_string(pk_) +
                        ", -1, -1, 1, x'00');"
                        "INSERT INTO hour_stats VALUES (" +
                        std::to_string(pk_) + ", -1, 1, 5, 5, 5, -1, 5, -1, 5);"),
            "");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Visits(AllOf()), 10);
  Result<std::vector<StatsBucket>> stats = store_->Statistics(StatsOf(std::nullopt, 1));
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  EXPECT_EQ((*stats)[0].aggregate.count, 10);
  // A read blocked by the writer would wait out the 50 ms busy timeout and
  // fail (the counts above); one that does not wait takes a millisecond.
  // 5 s only catches a read that waits for the writer some other way.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(other.Query("ROLLBACK"), "");
}

}  // namespace
}  // namespace dc::sqlite
