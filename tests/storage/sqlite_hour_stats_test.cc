// The SQLite backend's hour_stats table: kept equal to the readings by
// WriteBatches (new readings, replacements, failures) and built by
// migration 3 for files made before it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/hour_stats_check.h"
#include "storage/raw_db.h"
#include "storage/reading_model.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/two_input_store.h"
#include "support/file_readings.h"
#include "support/temp_dir.h"

namespace dc::sqlite {
namespace {

using ::dc::testing::FileReading;
using ::dc::testing::HourStatsMatch;
using ::dc::testing::HourStatsMatchReadings;
using ::dc::testing::HourStatsRows;
using ::dc::testing::RawDb;
using ::dc::testing::ReadFileReadings;
using ::dc::testing::ReadingModel;
using ::dc::testing::ReadingsTable;
using ::dc::testing::SameAggregate;
using ::dc::testing::TempDir;
using Ids = std::vector<std::vector<int64_t>>;

constexpr int64_t kHour = kMicrosPerHour;
constexpr int64_t kMinute = kMicrosPerMinute;

Reading At(int64_t micros, double value) {
  Reading reading;
  reading.timestamp = Timestamp{micros};
  reading.value = value;
  return reading;
}

class SqliteHourStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    testing::OpenStoreWithTwoInputs(path_, {}, &store_, &pks_);
  }

  // Writes batches of (input index, readings) in one call; on success also
  // into the models, and merges them into the file, which the tests read
  // (unless `merge` is false).
  Result<Ids> Write(const std::vector<std::pair<int, std::vector<Reading>>>& batches,
                    bool merge = true) {
    std::vector<IngestBatch> owned;
    for (const auto& [input, readings] : batches) {
      owned.push_back(
          IngestBatch{.input_pk = pks_[static_cast<size_t>(input)], .readings = readings});
    }
    std::vector<const IngestBatch*> pointers;
    for (const IngestBatch& batch : owned) pointers.push_back(&batch);
    Result<Ids> ids = store_->WriteBatches(pointers);
    if (ids.has_value()) {
      for (const IngestBatch& batch : owned) {
        for (const Reading& r : batch.readings) {
          models_[batch.input_pk].Put(r.timestamp.micros, r.value);
        }
      }
      if (merge) {
        Status merged = store_->Flush();
        if (!merged.ok()) return merged;
      }
    }
    return ids;
  }

  TempDir dir_;
  const std::string path_ = dir_.File("store.db");
  std::unique_ptr<SqliteStore> store_;
  std::vector<int64_t> pks_;
  std::map<int64_t, ReadingModel> models_;
};

TEST_F(SqliteHourStatsTest, FollowNewAndReplacedReadings) {
  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  const std::vector<std::vector<std::pair<int, std::vector<Reading>>>> steps = {
      // New readings on both sides of 1970 and of hour boundaries.
      {{0, {At(-kHour - 1, 1), At(-kHour, 2), At(-1, 3), At(0, 4), At(kHour - 1, 5)}},
       {1, {At(0, 40), At(10, 41)}}},
      // Out of order, into existing hours and a new one.
      {{0, {At(30 * kMinute, -2), At(-30 * kMinute, 9), At(5 * kHour, 0.5)}}},
      // Replacements of the first, last, min and max of an hour.
      {{0, {At(-kHour, 7), At(-1, 2.5), At(0, 4.25)}}},
      // Duplicates in one batch and across batches of one call, mixed with
      // new readings of the same hour.
      {{0, {At(2 * kHour, 1), At(2 * kHour + 5, 2), At(2 * kHour, 3)}},
       {0, {At(2 * kHour + 5, -8), At(2 * kHour + 6, 6)}},
       {1, {At(10, 1), At(11, 1)}}},
      // Only replacements, with the same values: nothing changes.
      {{0, {At(2 * kHour, 3), At(2 * kHour + 6, 6)}}},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    Result<Ids> ids = Write(steps[i]);
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    EXPECT_TRUE(HourStatsMatch(raw.get(), models_));
    EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
  }
  const auto rows = HourStatsRows(raw.get());
  const Aggregate& h2 = rows.at({pks_[0], 2});
  EXPECT_EQ(h2.count, 3);
  EXPECT_EQ(h2.first, 3);
  EXPECT_EQ(h2.min, -8);
  EXPECT_EQ(h2.last, 6);
  EXPECT_EQ(rows.at({pks_[0], -2}).count, 1);  // -1h - 1us
  EXPECT_EQ(rows.at({pks_[0], -1}).count, 3);  // -1h, -30min, -1us
}

// An hour whose sum leaves the double range keeps +Inf in its row (as
// every version has written such an hour): Statistics then answer that
// hour from its readings, exactly, and later writes go on.
TEST_F(SqliteHourStatsTest, AnHourSumBeyondTheDoubleRangeIsAnsweredFromItsReadings) {
  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  Result<Ids> ids = Write({{0, {At(10 * kMinute, 1.7e308), At(11 * kMinute, 1.7e308)}}});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  EXPECT_EQ(raw.Query("SELECT sum FROM hour_stats WHERE hour = 0"), "Inf");
  // Inf - Inf is NaN, which SQLite stores as NULL: the row must not refuse it.
  ids = Write({{0, {At(12 * kMinute, -1.7e308), At(13 * kMinute, -1.7e308)}}});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  ids = Write({{0, {At(14 * kMinute, 1.7e308)}}, {1, {At(0, 1)}}});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
  EXPECT_TRUE(HourStatsMatch(raw.get(), models_));

  for (int reopen = 0; reopen < 2; ++reopen) {
    SCOPED_TRACE(reopen == 0 ? "as written" : "reopened");
    for (const TimeWindow& window : {TimeWindow{}, TimeWindow{Timestamp{0}, Timestamp{kHour - 1}},
                                     TimeWindow{Timestamp{kMinute}, Timestamp{kHour - 2}}}) {
      Result<std::vector<StatsBucket>> buckets = store_->Statistics(StatsScan{
          .input_pk = pks_[0], .window = window, .interval_micros = {}, .max_buckets = 10});
      ASSERT_TRUE(buckets.has_value()) << buckets.error().ToString();
      ASSERT_EQ(buckets->size(), 1u);
      EXPECT_EQ((*buckets)[0].aggregate.count, 5);
      EXPECT_EQ((*buckets)[0].aggregate.sum, 1.7e308);
    }
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> reopened = SqliteStore::Open(path_, {});
    ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
    store_ = std::move(*reopened);
  }
}

TEST_F(SqliteHourStatsTest, MigrationBuildsHourStatsFromAVersion2File) {
  store_.reset();
  const std::string path = dir_.File("old.db");
  ReadingModel model_a;
  ReadingModel model_b;
  {
    RawDb raw(path);
    ASSERT_TRUE(raw.ok());
    Status status = MigrateToForTesting(raw.get(), 2);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(
        raw.Query("INSERT INTO orgs VALUES ('o', 'Old org', x'01', x'02');"
                  "INSERT INTO inputs(pk, id, org_id, name, measure_unit, data_source) "
                  "VALUES (7, 'sena', 'o', 'A', '', 'API'), (9, 'senb', 'o', 'B', '', 'API');"),
        "");
    std::string insert = "INSERT INTO readings(input_pk, ts, id, value) VALUES ";
    int64_t id = 1;
    auto add = [&](int64_t input_pk, int64_t ts, double value) {
      if (id > 1) insert += ", ";
      insert += "(" + std::to_string(input_pk) + ", " + std::to_string(ts) + ", " +
                std::to_string(id++) + ", " + std::to_string(value) + ")";
      (input_pk == 7 ? model_a : model_b).Put(ts, value);
    };
    for (int64_t i = 0; i < 200; ++i) {
      add(7, -3 * kHour + i * 97 * 1'000'000 - 1, static_cast<double>((i * 13) % 29) - 14.5);
    }
    add(7, -kHour, 100);
    add(7, kHour - 1, -100);
    add(9, 0, 1);
    add(9, 2 * kHour, 2);
    ASSERT_EQ(raw.Query(insert + "; UPDATE meta SET value = " + std::to_string(id) +
                        " WHERE key = 'next_reading_id';"),
              "");
  }

  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, {});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  RawDb raw(path);
  EXPECT_EQ(raw.Query("SELECT version FROM schema_version"), "4");
  EXPECT_TRUE(HourStatsMatch(raw.get(), {{7, model_a}, {9, model_b}}));
  // Migration 4 moved every reading into blocks, ids and all.
  const std::map<int64_t, ReadingModel> moved = ReadingsTable(raw.get());
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved.at(7).readings(), model_a.readings());
  EXPECT_EQ(moved.at(9).readings(), model_b.readings());
  EXPECT_EQ(ReadFileReadings(raw.get()).back().stored.id, 204);
  EXPECT_EQ(raw.Query("SELECT count(*) FROM sqlite_schema WHERE name = 'readings'"), "0");

  // Statistics use the migrated rows, and writes keep them right.
  Result<std::vector<StatsBucket>> all = (*store)->Statistics(
      StatsScan{.input_pk = 7, .window = {}, .interval_micros = std::nullopt, .max_buckets = 1});
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_TRUE(SameAggregate((*all)[0].aggregate, model_a.AggregateOf({})));
  IngestBatch batch{.input_pk = 7, .readings = {At(-kHour, 0), At(-kHour + 1, 5)}};
  const IngestBatch* pointers[] = {&batch};
  ASSERT_TRUE((*store)->WriteBatches(pointers).has_value());
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
}

TEST_F(SqliteHourStatsTest, AFailingMergeLeavesHourStatsAsTheReadings) {
  ASSERT_TRUE(Write({{0, {At(0, 1), At(10, 2), At(kHour, 3)}}}).has_value());
  RawDb raw(path_);
  const auto before = HourStatsRows(raw.get());

  // The database cannot grow, as on a full disk: the upload is acknowledged
  // (it is in the ingest log) but its merge fails and is rolled back whole.
  ASSERT_TRUE(store_->ExecOnWriterForTesting("PRAGMA max_page_count = 1").ok());
  std::vector<Reading> many = {At(10, 50), At(kHour, -50)};  // replacements first
  for (int64_t i = 0; i < 5000; ++i) many.push_back(At(2 * kHour + i * 1000, 1));
  ASSERT_TRUE(Write({{0, many}}, /*merge=*/false).has_value());
  const Status merged = store_->Flush();
  EXPECT_TRUE(merged.IsUnavailable()) << merged.ToString();
  EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
  EXPECT_EQ(HourStatsRows(raw.get()).size(), before.size());
  EXPECT_EQ(raw.Query("SELECT coalesce(sum(count), 0) FROM reading_blocks"), "3");

  ASSERT_TRUE(store_->ExecOnWriterForTesting("PRAGMA max_page_count = 1073741823").ok());
  Status retried = Status::Internal("not tried");
  for (int i = 0; i < 300 && !retried.ok(); ++i) retried = store_->Flush();
  ASSERT_TRUE(retried.ok()) << retried.ToString();
  EXPECT_TRUE(HourStatsMatch(raw.get(), models_));
  EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
}

TEST_F(SqliteHourStatsTest, AFailedHourStatsUpdateRollsBackTheReadings) {
  ASSERT_TRUE(Write({{0, {At(0, 1), At(kHour, 2)}}}).has_value());
  RawDb raw(path_);
  // Makes every change to hour 1 fail, as a full disk could at that point.
  ASSERT_EQ(raw.Query("CREATE TRIGGER fail_insert BEFORE INSERT ON hour_stats WHEN NEW.hour = 1 "
                      "BEGIN SELECT RAISE(ABORT, 'injected'); END;"
                      "CREATE TRIGGER fail_update BEFORE UPDATE ON hour_stats WHEN NEW.hour = 1 "
                      "BEGIN SELECT RAISE(ABORT, 'injected'); END;"),
            "");
  // A new reading (upsert) and a replacement (recomputation) of hour 1: the
  // merge fails, and leaves the file as it was.
  ASSERT_TRUE(
      Write({{0, {At(5, 5), At(kHour + 1, 3), At(kHour, 9)}}}, /*merge=*/false).has_value());
  EXPECT_FALSE(store_->Flush().ok());
  EXPECT_EQ(raw.Query("SELECT coalesce(sum(count), 0) FROM reading_blocks"), "2");
  for (const FileReading& file : ReadFileReadings(raw.get())) {
    if (file.stored.reading.timestamp.micros == kHour) {
      EXPECT_EQ(file.stored.reading.value, 2.0);
    }
  }
  EXPECT_TRUE(HourStatsMatchReadings(raw.get()));
  // Until a merge succeeds, no more is taken on.
  Result<Ids> refused = Write({{0, {At(7, 7)}}}, /*merge=*/false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(refused.error().IsUnavailable()) << refused.error().ToString();
  ASSERT_EQ(raw.Query("DROP TRIGGER fail_insert; DROP TRIGGER fail_update;"), "");
  Status retried = Status::Internal("not tried");
  for (int i = 0; i < 300 && !retried.ok(); ++i) retried = store_->Flush();
  ASSERT_TRUE(retried.ok()) << retried.ToString();
  EXPECT_TRUE(HourStatsMatch(raw.get(), models_));
  EXPECT_EQ(store_->FindReading(pks_[0], Timestamp{kHour}).value()->reading.value, 9);
}

TEST_F(SqliteHourStatsTest, ManyHoursInOneCall) {
  std::vector<Reading> readings;
  for (int64_t i = 0; i < 3000; ++i) readings.push_back(At((i * 7919 % 3000) * 61 * kMinute, i));
  ASSERT_TRUE(Write({{0, readings}, {1, readings}}).has_value());
  for (Reading& reading : readings) reading.value = -reading.value;
  readings.resize(1500);
  ASSERT_TRUE(Write({{1, readings}}).has_value());
  RawDb raw(path_);
  EXPECT_TRUE(HourStatsMatch(raw.get(), models_));
  EXPECT_EQ(raw.Query("PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteHourStatsTest, TimestampsAtTheEndsOfInt64DoNotOverflow) {
  // No Timestamp is that far out, but the store takes any int64 and must
  // neither overflow (UBSan would abort) nor lose readings.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(Write({{0, {At(kMin, 1), At(kMin + 1, 2), At(kMax, 3), At(0, 4)}}}).has_value());
  ASSERT_TRUE(Write({{0, {At(kMin, 5), At(kMax, 6)}}}).has_value());  // recomputed hours
  RawDb raw(path_);
  EXPECT_TRUE(HourStatsMatch(raw.get(), models_));
  for (std::optional<int64_t> interval :
       {std::optional<int64_t>(), std::optional<int64_t>(kHour), std::optional<int64_t>(7),
        std::optional<int64_t>(kMax)}) {
    for (const TimeWindow& window :
         {TimeWindow{}, TimeWindow{.start = Timestamp{kMin}, .finish = Timestamp{kMax}},
          TimeWindow{.start = Timestamp{kMin + 1}, .finish = Timestamp{kMax - 1}}}) {
      Result<std::vector<StatsBucket>> stats = store_->Statistics(StatsScan{
          .input_pk = pks_[0], .window = window, .interval_micros = interval, .max_buckets = 10});
      ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
      int64_t count = 0;
      for (const StatsBucket& bucket : *stats) count += bucket.aggregate.count;
      const bool inner = window.start && window.start->micros != kMin;
      EXPECT_EQ(count, inner ? 2 : 4);
    }
  }
  int visits = 0;
  ASSERT_TRUE(store_
                  ->ScanReadings(RawScan{.input_pk = pks_[0],
                                         .window = {},
                                         .limit = 10,
                                         .order_by = OrderBy::kValue,
                                         .sort = SortDirection::kAsc,
                                         .with_lat_long = false,
                                         .with_x_axis = false,
                                         .with_metadata = false},
                                 [&](const Reading&) { ++visits; })
                  .ok());
  EXPECT_EQ(visits, 4);
}

}  // namespace
}  // namespace dc::sqlite
