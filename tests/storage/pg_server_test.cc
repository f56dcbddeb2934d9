// The PostgreSQL backend's parts against a real server (scripts/test
// starts one, and a Citus cluster: these tests run on both).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg_query_int.h"
#include "storage/postgres/copy_binary.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_partitions.h"
#include "storage/postgres/pg_pool.h"
#include "storage/postgres/pg_schema.h"
#include "support/postgres_test_db.h"

namespace dc::postgres {
namespace {

using ::dc::testing::PostgresTestSchema;
using ::dc::testing::QueryInt;

PgConnection Connect(const std::string& url) {
  auto connection = PgConnection::Open(url);
  if (!connection) throw std::runtime_error(connection.error().ToString());
  return std::move(*connection);
}

TEST(PgConnectionTest, AWrongPasswordIsUnavailableAndNotEchoed) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  std::string url = server_url;
  const size_t colon = url.find(':', url.find("://") + 3);
  const size_t at = url.find('@');
  ASSERT_NE(at, std::string::npos);
  url.replace(colon + 1, at - colon - 1, "not-the-password-42");
  auto connection = PgConnection::Open(url);
  ASSERT_FALSE(connection.has_value());
  EXPECT_TRUE(connection.error().IsUnavailable()) << connection.error().ToString();
  EXPECT_EQ(connection.error().detail().find("not-the-password-42"), std::string::npos);
}

TEST(PgConnectionTest, SslmodeRequireIsHonoured) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url() + "&sslmode=require");
  EXPECT_EQ(QueryInt(connection, "SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
            1);
  PgConnection plain = Connect(schema.Url() + "&sslmode=disable");
  EXPECT_EQ(QueryInt(plain, "SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), 0);
}

TEST(PgConnectionTest, ErrorsLeaveTheConnectionFitForTheNextStatement) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url());
  const Status failed =
      connection.ExecTransaction("CREATE TABLE t(a int); SELECT 1/0;", "dividing");
  EXPECT_TRUE(failed.IsInvalidArgument()) << failed.ToString();  // 22012
  // Rolled back: the table is not there, and the connection takes more.
  EXPECT_EQ(QueryInt(connection,
                     "SELECT count(*) FROM pg_tables WHERE tablename = 't' AND "
                     "schemaname = current_schema()"),
            0);
  std::vector<int64_t> seen;
  ASSERT_TRUE(connection
                  .QueryRows("SELECT g FROM generate_series(1, $1::int) AS g", {"5"}, "counting",
                             [&](const PGresult* row) { seen.push_back(Int64At(row, 0, 0)); })
                  .ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  const Status bad = connection.QueryRows("SELECT no_such_column", {}, "x", [](const PGresult*) {});
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(QueryInt(connection, "SELECT 7"), 7);
}

TEST(BinaryCopyServerTest, PostgresReadsBackEveryValueAsSent) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url());
  ASSERT_TRUE(connection.Exec("CREATE TABLE t(n int8, x float8, s text)", "creating").ok());
  const std::vector<double> doubles = {
      0.0, -0.0, 21.37, -1e-308, 1.7976931348623157e308, std::numeric_limits<double>::denorm_min()};
  BinaryCopy copy;
  for (size_t i = 0; i < doubles.size(); ++i) {
    copy.BeginRow(3);
    copy.Int8(i == 0 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(i));
    copy.Float8(doubles[i]);
    if (i % 2 == 0) {
      copy.Text("{\"site\":\"Zürich\",\"i\":" + std::to_string(i) + "}");
    } else {
      copy.Null();
    }
  }
  ASSERT_TRUE(
      connection.CopyIn("COPY t FROM STDIN (FORMAT binary)", copy.Finish(), "copying").ok());
  auto rows = connection.Query("SELECT n, x, s FROM t ORDER BY n", {}, "reading");
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(PQntuples(rows->get()), static_cast<int>(doubles.size()));
  for (int i = 0; i < PQntuples(rows->get()); ++i) {
    EXPECT_EQ(Int64At(rows->get(), i, 0),
              i == 0 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(i));
    const double x = DoubleAt(rows->get(), i, 1);
    EXPECT_EQ(x, doubles[i]);
    EXPECT_EQ(std::signbit(x), std::signbit(doubles[i])) << i;
    if (i % 2 == 0) {
      EXPECT_EQ(*TextAt(rows->get(), i, 2),
                "{\"site\":\"Zürich\",\"i\":" + std::to_string(i) + "}");
    } else {
      EXPECT_FALSE(TextAt(rows->get(), i, 2).has_value());
    }
  }
}

TEST(BinaryCopyServerTest, ACopyOfBadDataFailsWholeAndTheConnectionGoesOn) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url());
  ASSERT_TRUE(connection.Exec("CREATE TABLE t(n int8 NOT NULL)", "creating").ok());
  BinaryCopy copy;
  copy.BeginRow(1);
  copy.Int8(1);
  copy.BeginRow(1);
  copy.Null();  // NOT NULL
  EXPECT_FALSE(
      connection.CopyIn("COPY t FROM STDIN (FORMAT binary)", copy.Finish(), "copying").ok());
  EXPECT_EQ(QueryInt(connection, "SELECT count(*) FROM t"), 0);
}

TEST(PgSchemaTest, MigratesOnceEvenWhenServersStartTogether) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  std::vector<Status> outcomes(4);
  std::vector<std::thread> servers;
  for (Status& outcome : outcomes) {
    servers.emplace_back([&] {
      PgConnection connection = Connect(schema.Url());
      outcome = MigratePg(connection);
    });
  }
  for (std::thread& server : servers) server.join();
  for (const Status& outcome : outcomes) EXPECT_TRUE(outcome.ok()) << outcome.ToString();
  PgConnection connection = Connect(schema.Url());
  EXPECT_EQ(QueryInt(connection, "SELECT version FROM schema_version"), kLatestPgSchemaVersion);
  EXPECT_EQ(QueryInt(connection, "SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(QueryInt(connection, "SELECT value FROM meta WHERE key = 'catalog_version'"), 1);
  // Again: nothing to do.
  EXPECT_TRUE(MigratePg(connection).ok());
}

TEST(PgSchemaTest, ADatabaseOfANewerSchemaIsRefused) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url());
  ASSERT_TRUE(MigratePg(connection).ok());
  ASSERT_TRUE(connection.Exec("UPDATE schema_version SET version = 99", "from the future").ok());
  const Status refused = MigratePg(connection);
  EXPECT_TRUE(refused.IsInvalidArgument()) << refused.ToString();
  EXPECT_NE(refused.detail().find("schema version 99"), std::string::npos);
}

TEST(PgSchemaTest, OnCitusReadingsAndHourStatsAreShardedByInputAndTheCatalogIsReplicated) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  PgConnection connection = Connect(schema.Url());
  ASSERT_TRUE(MigratePg(connection).ok());
  auto citus = HasCitus(connection);
  ASSERT_TRUE(citus.has_value());
  EXPECT_EQ(*citus, ::dc::testing::PostgresTestBackend() == "citus");
  if (!*citus) {
    // Plain PostgreSQL: plain tables, no Citus catalog.
    EXPECT_EQ(
        QueryInt(connection, "SELECT count(*) FROM pg_class WHERE relname = 'pg_dist_partition'"),
        0);
    return;
  }
  auto kinds = connection.Query(
      "SELECT logicalrelid::regclass::text, partmethod, "
      "coalesce(column_to_column_name(logicalrelid, partkey), '') FROM pg_dist_partition "
      "WHERE logicalrelid::regclass::text IN ('readings', 'hour_stats', 'inputs', 'orgs', "
      "'assets', 'asset_inputs', 'meta') ORDER BY 1",
      {}, "reading the distribution");
  ASSERT_TRUE(kinds.has_value()) << kinds.error().ToString();
  std::string seen;
  for (int i = 0; i < PQntuples(kinds->get()); ++i) {
    seen += std::string(*TextAt(kinds->get(), i, 0)) + ":" +
            std::string(*TextAt(kinds->get(), i, 1)) + ":" +
            std::string(*TextAt(kinds->get(), i, 2)) + " ";
  }
  EXPECT_EQ(seen,
            "asset_inputs:n: assets:n: hour_stats:h:input_pk inputs:n: meta:n: orgs:n: "
            "readings:h:input_pk ");
  EXPECT_EQ(QueryInt(connection,
                     "SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE "
                     "logicalrelid::regclass::text IN ('readings', 'hour_stats')"),
            1);
}

TEST(PgPartitionsTest, MonthsAreCreatedOnceAndServersRacingForOneMonthBothSucceed) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PostgresTestSchema schema(server_url);
  {
    PgConnection connection = Connect(schema.Url());
    ASSERT_TRUE(MigratePg(connection).ok());
  }
  const std::set<MonthPartition> months = {*MonthPartitionOf(1709208000'000000),
                                           *MonthPartitionOf(1703980800'000000)};
  std::vector<Status> outcomes(3);
  std::vector<std::thread> servers;
  for (Status& outcome : outcomes) {
    servers.emplace_back([&] {
      PartitionCatalog catalog;  // each server its own
      PgConnection connection = Connect(schema.Url());
      outcome = catalog.Ensure(connection, months);
      if (outcome.ok()) outcome = catalog.Ensure(connection, months);  // known: no statement
    });
  }
  for (std::thread& server : servers) server.join();
  for (const Status& outcome : outcomes) EXPECT_TRUE(outcome.ok()) << outcome.ToString();
  PgConnection connection = Connect(schema.Url());
  EXPECT_EQ(QueryInt(connection,
                     "SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"),
            4);  // the two fixed ones and two months
  // A reading of each month lands in its partition.
  ASSERT_TRUE(connection
                  .Exec("INSERT INTO readings(input_pk, ts, id, value) VALUES "
                        "(1, 1709208000000000, 1, 1.5), (1, 1703980800000000, 2, 2.5), "
                        "(1, 0, 3, 3.5)",
                        "inserting")
                  .ok());
  EXPECT_EQ(QueryInt(connection, "SELECT count(*) FROM readings_2024_02"), 1);
  EXPECT_EQ(QueryInt(connection, "SELECT count(*) FROM readings_2023_12"), 1);
  EXPECT_EQ(QueryInt(connection, "SELECT count(*) FROM readings_before_2000"), 1);
}

TEST(PgPoolTest, AConnectionTheServerDroppedIsReplacedForTheNextBorrower) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PgPool pool(server_url, 2);
  int64_t first_pid = 0;
  {
    auto lease = pool.Borrow();
    ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
    first_pid = QueryInt(**lease, "SELECT pg_backend_pid()");
  }
  {
    auto lease = pool.Borrow();  // the same one, kept
    ASSERT_TRUE(lease.has_value());
    EXPECT_EQ(QueryInt(**lease, "SELECT pg_backend_pid()"), first_pid);
    // What a server restart or a failover does to a pooled connection.
    PgConnection other = Connect(server_url);
    ASSERT_TRUE(other
                    .Query("SELECT pg_terminate_backend($1::int)", {std::to_string(first_pid)},
                           "terminating")
                    .has_value());
    auto failed = (*lease)->Query("SELECT 1", {}, "after the kill");
    ASSERT_FALSE(failed.has_value());
    EXPECT_TRUE(failed.error().IsUnavailable()) << failed.error().ToString();
  }
  auto lease = pool.Borrow();
  ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
  EXPECT_NE(QueryInt(**lease, "SELECT pg_backend_pid()"), first_pid);
}

TEST(PgPoolTest, BorrowersBeyondTheSizeWaitForAReturn) {
  DC_POSTGRES_SERVER_OR_SKIP(server_url);
  PgPool pool(server_url, 1);
  auto held = std::make_optional(pool.Borrow());
  ASSERT_TRUE(held->has_value());
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto lease = pool.Borrow();
    got = lease.has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load());
  held.reset();
  waiter.join();
  EXPECT_TRUE(got.load());
}

}  // namespace
}  // namespace dc::postgres
