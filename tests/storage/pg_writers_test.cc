// The PostgreSQL store's writers (PgOptions::writer_connections): several
// WriteBatches calls at once, each in a transaction of its own, keep the
// hour aggregates equal to the readings, do not wait for one another, and
// a call that PostgreSQL picks to end a deadlock is tried again rather than
// failed. On PostgreSQL and on Citus (scripts/test starts both).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/org_with_two_inputs.h"
#include "storage/pg_query_int.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_store.h"
#include "support/postgres_test_db.h"

// A namespace of its own: test files compile in unity, beside others with
// helpers of the same names.
namespace dc::postgres::writers_test {
namespace {

using ::dc::testing::PostgresTestSchema;
using ::dc::testing::QueryInt;
using namespace std::chrono_literals;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3'600 * kSecond;
constexpr int64_t kStart = 1'704'067'200 * kSecond;  // 2024-01-01T00:00:00Z

Reading At(int64_t micros, double value) {
  return Reading{.timestamp = Timestamp{micros},
                 .value = value,
                 .latitude = std::nullopt,
                 .longitude = std::nullopt,
                 .x_axis_value = "",
                 .metadata = ""};
}

Result<std::vector<std::vector<int64_t>>> Write(Store& store, const IngestBatch& batch) {
  const IngestBatch* batches[] = {&batch};
  return store.WriteBatches(batches);
}

// Hours whose stored aggregate differs from what their readings say.
constexpr const char* kHoursUnlikeTheirReadings =
    "SELECT count(*) FROM (SELECT input_pk, floor(ts / 3600000000.0)::bigint AS hour, "
    "count(*) AS c, sum(value) AS s, min(value) AS lo, max(value) AS hi, min(ts) AS f, "
    "max(ts) AS l FROM readings GROUP BY 1, 2) r FULL JOIN hour_stats h USING (input_pk, hour) "
    "WHERE h.count IS DISTINCT FROM r.c OR r.c IS NULL OR abs(h.sum - r.s) > 1e-6 "
    "OR h.min <> r.lo OR h.max <> r.hi OR h.first_ts <> r.f OR h.last_ts <> r.l";

class PgWritersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DC_POSTGRES_SERVER_OR_SKIP(server_url);
    schema_ = std::make_unique<PostgresTestSchema>(server_url);
    Result<std::unique_ptr<PgStore>> opened =
        PgStore::Open(schema_->Url(), StoreOptions{}, PgOptions{.writer_connections = 4});
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
    ::dc::testing::AddOrgWithTwoInputs(*store_, &pks_);
    if (HasFatalFailure()) return;
    Result<PgConnection> plain = PgConnection::Open(schema_->Url());
    ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
    plain_ = std::make_unique<PgConnection>(std::move(*plain));
  }

  // Opens a transaction of the test's own that holds the hour aggregates
  // of `input_pk`.
  void LockHoursOf(int64_t input_pk) {
    ASSERT_TRUE(plain_->Exec("BEGIN", "locking").ok());
    Result<PgResult> locked =
        plain_->Query("SELECT 1 FROM hour_stats WHERE input_pk = $1 FOR UPDATE",
                      {std::to_string(input_pk)}, "locking");
    ASSERT_TRUE(locked.has_value()) << locked.error().ToString();
    ASSERT_EQ(PQntuples(locked->get()), 1);
  }

  // Stores a first reading of sen1, holds its hour aggregate in the test's
  // own transaction, and starts an upload of sen1 at `micros` that has to
  // wait for it (checked: still waiting after 300 ms).
  std::future<Result<std::vector<std::vector<int64_t>>>> UploadBehindALock(int64_t micros,
                                                                           double value) {
    EXPECT_TRUE(Write(*store_, IngestBatch{.input_pk = pks_[0], .readings = {At(kStart, 1)}}));
    LockHoursOf(pks_[0]);
    auto writing = std::async(std::launch::async, [this, micros, value] {
      return Write(*store_, IngestBatch{.input_pk = pks_[0], .readings = {At(micros, value)}});
    });
    EXPECT_EQ(writing.wait_for(300ms), std::future_status::timeout);
    return writing;
  }

  std::unique_ptr<PostgresTestSchema> schema_;
  std::unique_ptr<PgStore> store_;
  std::vector<int64_t> pks_;
  std::unique_ptr<PgConnection> plain_;  // the test's own view of the database
};

TEST_F(PgWritersTest, WritersAtOnceKeepEveryHourEqualToItsReadings) {
  ASSERT_EQ(store_->ConcurrentWriters(), 4);
  // Three hours of one input, a reading every 10 s, that the writers then
  // replace while adding new readings to the same hours.
  IngestBatch seed{.input_pk = pks_[0], .readings = {}};
  for (int64_t s = 0; s < 3 * 3600; s += 10) seed.readings.push_back(At(kStart + s * kSecond, 1));
  ASSERT_TRUE(Write(*store_, seed).has_value());

  constexpr int kThreads = 4;
  constexpr int kRounds = 100;
  std::vector<std::future<int>> failures;
  for (int t = 0; t < kThreads; ++t) {
    failures.push_back(std::async(std::launch::async, [&, t] {
      int failed = 0;
      for (int r = 0; r < kRounds; ++r) {
        const int64_t hour = kStart + (r % 3) * kHour;
        IngestBatch batch{.input_pk = pks_[0], .readings = {}};
        // New readings at odd seconds no other thread uses...
        batch.readings.push_back(At(hour + (1 + 2 * (t * kRounds + r)) * kSecond, 100.0 + t + r));
        // ...and a replacement of a seeded one.
        if (r % 2 == 0) batch.readings.push_back(At(hour + 10 * (t + r) * kSecond, -1.0 - r));
        if (!Write(*store_, batch)) ++failed;
      }
      return failed;
    }));
  }
  for (auto& f : failures) EXPECT_EQ(f.get(), 0);
  EXPECT_EQ(QueryInt(*plain_, "SELECT count(*) FROM readings"),
            static_cast<int64_t>(seed.readings.size()) + kThreads * kRounds);
  EXPECT_EQ(QueryInt(*plain_, kHoursUnlikeTheirReadings), 0);
  EXPECT_EQ(QueryInt(*plain_, "SELECT count(*) - count(DISTINCT id) FROM readings"), 0);
}

TEST_F(PgWritersTest, AnUploadWaitingForALockDoesNotHoldUpAnotherInput) {
  auto waiting = UploadBehindALock(kStart + kSecond, 2);
  IngestBatch other{.input_pk = pks_[1], .readings = {At(kStart, 3)}};
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(Write(*store_, other).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  EXPECT_EQ(waiting.wait_for(0ms), std::future_status::timeout);

  ASSERT_TRUE(plain_->Exec("COMMIT", "unlocking").ok());
  Result<std::vector<std::vector<int64_t>>> done = waiting.get();
  EXPECT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(QueryInt(*plain_, "SELECT count(*) FROM readings"), 3);
}

TEST_F(PgWritersTest, AnUploadChosenToEndADeadlockIsStoredOnTheNextTry) {
  // The test's transaction holds the hour aggregate; the upload has
  // inserted its reading and waits for that aggregate; the test's
  // transaction then inserts the same reading and waits for the upload: a
  // deadlock, which PostgreSQL ends by failing the transaction that waited
  // longest, the upload's.
  auto writing = UploadBehindALock(kStart + kSecond, 2);
  const std::string insert = "INSERT INTO readings (input_pk, ts, id, value) VALUES (" +
                             std::to_string(pks_[0]) + ", " + std::to_string(kStart + kSecond) +
                             ", -1, 99)";
  const Status inserted = plain_->Exec(insert, "inserting the upload's reading");
  // Whichever transaction lost, the test's ends now, and the upload is
  // stored with its own value.
  (void)plain_->Exec("ROLLBACK", "unlocking");
  Result<std::vector<std::vector<int64_t>>> done = writing.get();
  ASSERT_TRUE(done.has_value()) << done.error().ToString()
                                << "; the test's insert: " << inserted.ToString();
  EXPECT_EQ(QueryInt(*plain_, ("SELECT value::bigint FROM readings WHERE ts = " +
                               std::to_string(kStart + kSecond))
                                  .c_str()),
            2);
  EXPECT_EQ(QueryInt(*plain_, kHoursUnlikeTheirReadings), 0);
}

}  // namespace
}  // namespace dc::postgres::writers_test
