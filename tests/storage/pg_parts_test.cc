// The PostgreSQL backend's parts that need no server: URLs, error codes,
// the binary COPY format, monthly partitions.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "storage/postgres/copy_binary.h"
#include "storage/postgres/pg_partitions.h"
#include "storage/postgres/pg_status.h"
#include "storage/postgres/pg_url.h"

namespace dc::postgres {
namespace {

TEST(PgUrlTest, RecognisesUrlsAndKeywordStrings) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://dc:secret@db1:5432/datacooee"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db1/datacooee"));
  EXPECT_TRUE(IsPostgresUrl("host=db1 port=5433 dbname=datacooee user=dc sslmode=require"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:/var/lib/datacooee.db"));
  EXPECT_FALSE(IsPostgresUrl("./datacooee.db"));
  // '=' in a path is not a keyword string: libpq knows no option "data".
  EXPECT_FALSE(IsPostgresUrl("/srv/data=1.db"));
}

TEST(PgUrlTest, DescriptionNeverHoldsThePassword) {
  const std::string url =
      DescribePostgresUrl("postgresql://dc:s3cret@db1:5433/metrics?sslmode=require");
  EXPECT_EQ(url, "postgresql dc@db1:5433/metrics sslmode=require");
  const std::string keywords =
      DescribePostgresUrl("host=db2 dbname=datacooee user=dc password=s3cret");
  EXPECT_EQ(keywords, "postgresql dc@db2/datacooee");
  EXPECT_EQ(keywords.find("s3cret"), std::string::npos);
}

TEST(PgStatusTest, SqlStatesMapToStoreErrors) {
  EXPECT_TRUE(StatusFromSqlState("23505", "duplicate key", "x").IsConflict());
  EXPECT_TRUE(StatusFromSqlState("08006", "connection failure", "x").IsUnavailable());
  // A Citus worker lost mid-transaction.
  EXPECT_TRUE(
      StatusFromSqlState("XX000", "ERROR:  failure on connection marked as essential: w1:5432", "x")
          .IsUnavailable());
  EXPECT_EQ(StatusFromSqlState("XX000", "cache lookup failed", "x").code(),
            Status::Code::kInternal);
  EXPECT_TRUE(StatusFromSqlState("53100", "disk full", "x").IsUnavailable());
  EXPECT_TRUE(StatusFromSqlState("57P01", "admin shutdown", "x").IsUnavailable());
  EXPECT_TRUE(StatusFromSqlState("40001", "serialization failure", "x").IsUnavailable());
  EXPECT_TRUE(StatusFromSqlState("40P01", "deadlock", "x").IsUnavailable());
  EXPECT_TRUE(StatusFromSqlState("25006", "read-only transaction", "x").IsUnavailable());
  EXPECT_TRUE(StatusFromSqlState("23514", "check violation", "x").IsInvalidArgument());
  EXPECT_TRUE(StatusFromSqlState("22003", "out of range", "x").IsInvalidArgument());
  const Status other = StatusFromSqlState("42P01", "relation does not exist\n", "storing readings");
  EXPECT_EQ(other.code(), Status::Code::kInternal);
  EXPECT_EQ(other.detail(), "storing readings: relation does not exist");
}

TEST(BinaryCopyTest, HeaderRowsAndTrailerAreTheDocumentedBytes) {
  BinaryCopy copy;
  copy.BeginRow(3);
  copy.Int8(-2);
  copy.Null();
  copy.Text("é");
  EXPECT_EQ(copy.rows(), 1u);
  const std::string data = copy.Finish();
  const std::string expected =
      std::string("PGCOPY\n\377\r\n\0", 11) +
      std::string("\0\0\0\0\0\0\0\0", 8) +  // flags, extension
      std::string("\0\3", 2) +              // three fields
      std::string("\0\0\0\10", 4) + std::string("\377\377\377\377\377\377\377\376", 8) +
      std::string("\377\377\377\377", 4) +                            // NULL
      std::string("\0\0\0\2", 4) + "é" + std::string("\377\377", 2);  // trailer
  EXPECT_EQ(data, expected);
}

TEST(BinaryCopyTest, DoublesAreTheirIeeeBitsBigEndian) {
  BinaryCopy copy;
  copy.BeginRow(1);
  copy.Float8(1.0);  // 0x3FF0000000000000
  const std::string data = copy.Finish();
  EXPECT_EQ(data.substr(19 + 2, 12), std::string("\0\0\0\10\x3f\xf0\0\0\0\0\0\0", 12));
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

TEST(MonthPartitionTest, MonthsBetween2000And2100HaveTheirOwnPartition) {
  // 2024-02-29T12:00:00Z: a leap year's February.
  const int64_t ts = 1709208000'000000;
  const auto february = MonthPartitionOf(ts);
  ASSERT_TRUE(february.has_value());
  EXPECT_EQ(february->name, "readings_2024_02");
  EXPECT_EQ(february->from, 1706745600'000000);  // 2024-02-01
  EXPECT_EQ(february->to, 1709251200'000000);    // 2024-03-01
  EXPECT_EQ(february->to - february->from, 29 * kMicrosPerDay);
  // December ends at the next year's January.
  const auto december = MonthPartitionOf(1703980800'000000);  // 2023-12-31
  ASSERT_TRUE(december.has_value());
  EXPECT_EQ(december->name, "readings_2023_12");
  EXPECT_EQ(december->to, 1704067200'000000);  // 2024-01-01
  // The edges: the first and the last microsecond of a month.
  EXPECT_EQ(MonthPartitionOf(february->from)->name, "readings_2024_02");
  EXPECT_EQ(MonthPartitionOf(february->to - 1)->name, "readings_2024_02");
  EXPECT_EQ(MonthPartitionOf(946684800'000000)->name, "readings_2000_01");
  EXPECT_EQ(MonthPartitionOf(4102444800'000000 - 1)->name, "readings_2099_12");
}

TEST(MonthPartitionTest, TimestampsBefore2000AndFrom2100GoToTheFixedPartitions) {
  EXPECT_FALSE(MonthPartitionOf(946684800'000000 - 1).has_value());  // 1999-12-31T23:59:59.999999
  EXPECT_FALSE(MonthPartitionOf(4102444800'000000).has_value());     // 2100-01-01
  EXPECT_FALSE(MonthPartitionOf(-1).has_value());
  EXPECT_FALSE(MonthPartitionOf(-62135596800'000000).has_value());  // 0001-01-01
  EXPECT_FALSE(MonthPartitionOf(253402300799'999999).has_value());  // 9999-12-31
}

}  // namespace
}  // namespace dc::postgres
