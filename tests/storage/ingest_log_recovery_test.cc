// What a crash leaves in the ingest log is merged when the store is opened
// again. The crash is real: a child process writes through the store and
// ends with _exit(), so no destructor merges anything.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "storage/raw_db.h"
#include "storage/sqlite/ingest_log_record.h"
#include "storage/sqlite/sqlite_store.h"
#include "support/ingest_log_files.h"
#include "support/server_process.h"

namespace dc::sqlite {
namespace {

using ::dc::testing::IngestLogHasSegments;
using ::dc::testing::RawDb;
using ::dc::testing::TempDir;
using Ids = std::vector<std::vector<int64_t>>;

// Merges never start on their own within a test.
constexpr SqliteOptions kNoTimedMerges{.merge_idle_ms = 600'000, .merge_max_delay_ms = 600'000};

IngestBatch Batch(int64_t input_pk, int64_t first_ts, int count, double value) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < count; ++i) {
    Reading reading;
    reading.timestamp = Timestamp{first_ts + i};
    reading.value = value + i;
    batch.readings.push_back(reading);
  }
  return batch;
}

class IngestLogRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<SqliteStore> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "s", .key_hash = "h"})
            .ok());
    Result<Input> input = store->CreateInput(Input{.pk = 0,
                                                   .id = "in",
                                                   .org_id = "o",
                                                   .name = "In",
                                                   .measure_unit = "C",
                                                   .data_source = DataSource::kApi});
    ASSERT_TRUE(input.has_value());
    pk_ = input->pk;
  }

  std::unique_ptr<SqliteStore> Open(const StoreOptions& options = {}) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_, options, kNoTimedMerges);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store.has_value() ? std::move(*store) : nullptr;
  }

  // Runs `work` on a store in a child process that then dies without
  // cleaning up, as a killed server does. Returns the child's exit code.
  int InCrashingChild(const std::function<int(SqliteStore&)>& work) {
    const pid_t child = fork();
    if (child == 0) {
      std::unique_ptr<SqliteStore> store = Open();
      _exit(store == nullptr ? 90 : work(*store));
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  TempDir dir_;
  const std::string path_ = dir_.path() + "/store.db";
  int64_t pk_ = 0;
};

TEST_F(IngestLogRecoveryTest, AcknowledgedGroupsAreMergedAtTheNextOpen) {
  const int code = InCrashingChild([&](SqliteStore& store) {
    const IngestBatch first = Batch(pk_, 0, 100, 0);
    const IngestBatch second = Batch(pk_, 50, 100, 1000);  // replaces 50..99
    const IngestBatch* group1[] = {&first};
    const IngestBatch* group2[] = {&second};
    Result<Ids> a = store.WriteBatches(group1);
    Result<Ids> b = store.WriteBatches(group2);
    if (!a || !b) return 1;
    if ((*b)[0][0] != (*a)[0][50]) return 2;  // a replacement keeps its id
    return 0;
  });
  ASSERT_EQ(code, 0);
  ASSERT_TRUE(IngestLogHasSegments(path_)) << "nothing was left unmerged to recover";
  {
    RawDb raw(path_);
    EXPECT_EQ(raw.Query("SELECT coalesce(sum(count), 0) FROM reading_blocks"), "0");
  }

  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(IngestLogHasSegments(path_));
  EXPECT_EQ(store->CountReadings(pk_).value(), 150);
  EXPECT_EQ((*store->FindReading(pk_, Timestamp{49}))->reading.value, 49);
  EXPECT_EQ((*store->FindReading(pk_, Timestamp{50}))->reading.value, 1000);
  EXPECT_EQ((*store->FindReading(pk_, Timestamp{50}))->id, 51);
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("SELECT value FROM meta WHERE key = 'next_reading_id'"), "151");
  EXPECT_EQ(raw.Query("SELECT sum(count) FROM hour_stats"), "150");

  // New ids continue after the recovered ones.
  const IngestBatch more = Batch(pk_, 1000, 1, 0);
  const IngestBatch* group[] = {&more};
  EXPECT_EQ(store->WriteBatches(group).value()[0][0], 151);
}

TEST_F(IngestLogRecoveryTest, ATornAppendIsDroppedAndWhatPrecedesItKept) {
  ASSERT_EQ(InCrashingChild([&](SqliteStore& store) {
              const IngestBatch batch = Batch(pk_, 0, 10, 0);
              const IngestBatch* group[] = {&batch};
              return store.WriteBatches(group).has_value() ? 0 : 1;
            }),
            0);
  // The half of a record a crash during write() leaves behind, right after
  // the whole ones (the segment goes on with the zeros written ahead).
  int segments = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().filename().string().starts_with("store.db-ingest.") &&
        entry.path().extension() != ".lock") {
      std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(file)),
                              std::istreambuf_iterator<char>());
      std::vector<LoggedGroup> groups;
      const size_t whole = ReadLogRecords(bytes, groups);
      ASSERT_EQ(groups.size(), 1u);
      ASSERT_GT(bytes.size(), whole) << "no room was prepared after the record";
      file.seekp(static_cast<std::streamoff>(whole));
      file << std::string("\x40\0\0\0\x12", 5);
      ++segments;
    }
  }
  ASSERT_EQ(segments, 1);
  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CountReadings(pk_).value(), 10);
  EXPECT_FALSE(IngestLogHasSegments(path_));
}

TEST_F(IngestLogRecoveryTest, ACleanCloseLeavesNoLog) {
  {
    std::unique_ptr<SqliteStore> store = Open();
    ASSERT_NE(store, nullptr);
    const IngestBatch batch = Batch(pk_, 0, 10, 0);
    const IngestBatch* group[] = {&batch};
    ASSERT_TRUE(store->WriteBatches(group).has_value());
    EXPECT_TRUE(IngestLogHasSegments(path_));
  }
  EXPECT_FALSE(IngestLogHasSegments(path_));
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("SELECT coalesce(sum(count), 0) FROM reading_blocks"), "10");
}

TEST_F(IngestLogRecoveryTest, ReadsSeeEveryAcknowledgedReadingBeforeAnyTimedMerge) {
  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 20; ++i) {
    const IngestBatch batch = Batch(pk_, i * 10, 10, i);
    const IngestBatch* group[] = {&batch};
    ASSERT_TRUE(store->WriteBatches(group).has_value());
    EXPECT_EQ(store->CountReadings(pk_).value(), (i + 1) * 10);
  }
}

}  // namespace
}  // namespace dc::sqlite
