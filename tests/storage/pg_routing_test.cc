// docs/scaling.md: on Citus, every query a request makes for one input runs
// on the one shard group that holds the input. Citus's
// citus.multi_task_query_log_level = error turns any query that would fan
// out to several shards into an error, so a store on such a connection
// fails at the first query that does not route to one shard group.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/org_with_two_inputs.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_store.h"
#include "support/postgres_test_db.h"

namespace dc::postgres {
namespace {

using ::dc::testing::PostgresTestSchema;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kDay = 86'400 * kSecond;

IngestBatch ReadingsOver(int64_t input_pk, int64_t first_micros, int count, int64_t step) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < count; ++i) {
    batch.readings.push_back(Reading{.timestamp = Timestamp{first_micros + i * step},
                                     .value = 0.5 * i,
                                     .latitude = 1.5,
                                     .longitude = std::nullopt,
                                     .x_axis_value = "",
                                     .metadata = "m"});
  }
  return batch;
}

class PgRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DC_POSTGRES_SERVER_OR_SKIP(server_url);
    if (::dc::testing::PostgresTestBackend() != "citus") GTEST_SKIP() << "Citus only";
    schema_ = std::make_unique<PostgresTestSchema>(server_url);
    // Migrated first on a plain connection: distributing tables is not a
    // request's work.
    Result<PgConnection> plain = PgConnection::Open(schema_->Url());
    ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
    ASSERT_TRUE(MigratePg(*plain).ok());
    strict_url_ = schema_->Url() + "%20-ccitus.multi_task_query_log_level%3Derror";
  }

  std::unique_ptr<PostgresTestSchema> schema_;
  std::string strict_url_;
};

TEST_F(PgRoutingTest, AQueryOverEveryInputIsRefusedOnTheStrictConnection) {
  Result<PgConnection> strict = PgConnection::Open(strict_url_);
  ASSERT_TRUE(strict.has_value()) << strict.error().ToString();
  Result<PgResult> all = strict->Query("SELECT count(*) FROM readings", {}, "counting all");
  EXPECT_FALSE(all.has_value()) << "the setting does not refuse a multi-shard query";
}

TEST_F(PgRoutingTest, EveryQueryOfOneInputRunsOnOneShardGroup) {
  Result<std::unique_ptr<PgStore>> opened = PgStore::Open(strict_url_, StoreOptions{});
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  PgStore& store = **opened;
  std::vector<int64_t> pks;
  ::dc::testing::AddOrgWithTwoInputs(store, &pks);
  if (HasFatalFailure()) return;
  const int64_t pk = pks[0];
  const int64_t start = 1'704'067'200 * kSecond;  // 2024-01-01, three months of readings

  // An upload (new readings, then a replacement, so both hour_stats paths run).
  IngestBatch first = ReadingsOver(pk, start, 90, kDay);
  const IngestBatch* batches[] = {&first};
  Result<std::vector<std::vector<int64_t>>> written = store.WriteBatches(batches);
  ASSERT_TRUE(written.has_value()) << written.error().ToString();
  IngestBatch replacement = ReadingsOver(pk, start + 10 * kDay, 3, kDay);
  const IngestBatch* again[] = {&replacement};
  written = store.WriteBatches(again);
  ASSERT_TRUE(written.has_value()) << written.error().ToString();

  // Raw reads in every order, with and without a window.
  const TimeWindow window{.start = Timestamp{start + kDay / 2},
                          .finish = Timestamp{start + 60 * kDay + kDay / 3}};
  for (OrderBy order : {OrderBy::kTimestamp, OrderBy::kValue}) {
    for (SortDirection sort : {SortDirection::kAsc, SortDirection::kDesc}) {
      for (const TimeWindow& w : {window, TimeWindow{}}) {
        int seen = 0;
        const Status scanned = store.ScanReadings(RawScan{.input_pk = pk,
                                                          .window = w,
                                                          .limit = 1000,
                                                          .order_by = order,
                                                          .sort = sort,
                                                          .with_lat_long = true,
                                                          .with_x_axis = true,
                                                          .with_metadata = true},
                                                  [&](const Reading&) { ++seen; });
        EXPECT_TRUE(scanned.ok()) << scanned.ToString();
        EXPECT_GT(seen, 0);
      }
    }
  }
  // Statistics: whole hours from hour_stats, the edges from readings, and
  // buckets.
  for (const std::optional<int64_t>& interval :
       {std::optional<int64_t>{}, std::optional{7 * kDay}}) {
    Result<std::vector<StatsBucket>> stats =
        store.Statistics(StatsScan{.input_pk = pk, .window = window, .interval_micros = interval});
    ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
    EXPECT_FALSE(stats->empty());
  }
  Result<std::optional<StoredReading>> found = store.FindReading(pk, Timestamp{start + 11 * kDay});
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_TRUE(found->has_value());
  Result<int64_t> count = store.CountReadings(pk);
  ASSERT_TRUE(count.has_value()) << count.error().ToString();
  EXPECT_EQ(*count, 90);
}

}  // namespace
}  // namespace dc::postgres
