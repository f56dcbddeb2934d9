// PgStore: reading readings back. Raw scans are one indexed range query on
// the input's shard (readings' key is (input_pk, ts)), read row by row;
// statistics are storage::ComputeStatistics over a PgStatsSource, inside
// one REPEATABLE READ transaction, so that hour aggregates and edge
// readings come from one snapshot.
#include <string>

#include "storage/core/statistics.h"
#include "storage/core/window_split.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/pg_transaction.h"

namespace dc::postgres {
namespace {

std::string ScanSql(const RawScan& scan) {
  std::string sql = "SELECT ts, value";
  if (scan.with_lat_long) sql += ", latitude, longitude";
  if (scan.with_x_axis) sql += ", x_axis_value";
  if (scan.with_metadata) sql += ", metadata";
  sql += " FROM readings WHERE input_pk = $1 AND ts BETWEEN $2 AND $3 ORDER BY ";
  const char* direction = scan.sort == SortDirection::kAsc ? " ASC" : " DESC";
  if (scan.order_by == OrderBy::kValue) sql += std::string("value") + direction + ", ";
  sql += std::string("ts") + direction + " LIMIT $4";
  return sql;
}

std::optional<double> OptionalDoubleAt(const PGresult* row, int column) {
  if (PQgetisnull(row, 0, column)) return std::nullopt;
  return DoubleAt(row, 0, column);
}

Reading ScannedReading(const PGresult* row, const RawScan& scan) {
  Reading reading;
  reading.timestamp = Timestamp{Int64At(row, 0, 0)};
  reading.value = DoubleAt(row, 0, 1);
  int column = 2;
  if (scan.with_lat_long) {
    reading.latitude = OptionalDoubleAt(row, column++);
    reading.longitude = OptionalDoubleAt(row, column++);
  }
  if (scan.with_x_axis) reading.x_axis_value = TextAt(row, 0, column++).value_or("");
  if (scan.with_metadata) reading.metadata = TextAt(row, 0, column++).value_or("");
  return reading;
}

Params RangeParams(int64_t input_pk, int64_t first, int64_t last) {
  return {std::to_string(input_pk), std::to_string(first), std::to_string(last)};
}

// What ComputeStatistics reads, on one connection inside its transaction.
class PgStatsSource final : public storage::StatsSource {
 public:
  explicit PgStatsSource(PgConnection& connection) : c_(connection) {}

  Result<Aggregate> RawAggregate(int64_t input_pk, const storage::MicrosRange& range) override {
    // In C++, not SQL: sum(float8) raises an error past the double range,
    // where Aggregate sums in a long double.
    Aggregate aggregate;
    DC_RETURN_IF_ERROR(ForEachReading(input_pk, range, [&](Timestamp ts, double value) {
      aggregate.Add(ts, value);
      return true;
    }));
    return aggregate;
  }

  Status ForEachHourRow(int64_t input_pk, const storage::HourRange& hours,
                        const std::function<bool(int64_t, const Aggregate&)>& row) override {
    // Read whole before `row` runs: it may read the hour's readings (an
    // hour whose stored sum is not finite), on this same connection.
    Result<PgResult> rows = c_.Query(
        "SELECT hour, count, sum, min, max, first_ts, first_value, last_ts, last_value "
        "FROM hour_stats WHERE input_pk = $1 AND hour BETWEEN $2 AND $3 ORDER BY hour",
        RangeParams(input_pk, hours.first, hours.last), "reading hour aggregates");
    if (!rows) return rows.error();
    const PGresult* r = rows->get();
    for (int i = 0; i < PQntuples(r); ++i) {
      Aggregate a;
      a.count = Int64At(r, i, 1);
      a.sum = DoubleAt(r, i, 2);
      a.min = DoubleAt(r, i, 3);
      a.max = DoubleAt(r, i, 4);
      a.first_ts = Timestamp{Int64At(r, i, 5)};
      a.first = DoubleAt(r, i, 6);
      a.last_ts = Timestamp{Int64At(r, i, 7)};
      a.last = DoubleAt(r, i, 8);
      if (!row(Int64At(r, i, 0), a)) break;
    }
    return Status::Ok();
  }

  Status ForEachReading(int64_t input_pk, const storage::MicrosRange& range,
                        const std::function<bool(Timestamp, double)>& reading) override {
    bool wanted = true;
    return c_.QueryRows(
        "SELECT ts, value FROM readings WHERE input_pk = $1 AND ts BETWEEN $2 AND $3 ORDER BY ts",
        RangeParams(input_pk, range.first, range.last), "reading readings", [&](const PGresult* r) {
          if (wanted) wanted = reading(Timestamp{Int64At(r, 0, 0)}, DoubleAt(r, 0, 1));
        });
  }

 private:
  PgConnection& c_;
};

}  // namespace

Status PgStore::ScanReadings(const RawScan& scan,
                             const std::function<void(const Reading&)>& visit) {
  if (scan.limit < 0) {
    return Status::InvalidArgument("negative limit " + std::to_string(scan.limit));
  }
  if (scan.limit == 0) return Status::Ok();
  const storage::MicrosRange range = storage::WindowRange(scan.window);
  if (range.first > range.last) return Status::Ok();
  const std::string sql = ScanSql(scan);
  Params params = RangeParams(scan.input_pk, range.first, range.last);
  params.push_back(std::to_string(scan.limit));
  return WithConnection([&](PgConnection& c) {
    return c.QueryRows(sql.c_str(), params, "reading readings",
                       [&](const PGresult* row) { visit(ScannedReading(row, scan)); });
  });
}

Result<std::optional<StoredReading>> PgStore::FindReading(int64_t input_pk, Timestamp ts) {
  // The columns of a scan that wants them all, then the id.
  RawScan every_column;
  every_column.with_lat_long = every_column.with_x_axis = every_column.with_metadata = true;
  return WithConnection([&](PgConnection& c) -> Result<std::optional<StoredReading>> {
    Result<PgResult> found = c.Query(
        "SELECT ts, value, latitude, longitude, x_axis_value, metadata, id FROM readings "
        "WHERE input_pk = $1 AND ts = $2",
        {std::to_string(input_pk), std::to_string(ts.micros)}, "looking up a reading");
    if (!found) return found.error();
    if (PQntuples(found->get()) == 0) return std::optional<StoredReading>();
    return std::optional<StoredReading>(StoredReading{
        .id = Int64At(found->get(), 0, 6), .reading = ScannedReading(found->get(), every_column)});
  });
}

Result<std::vector<StatsBucket>> PgStore::Statistics(const StatsScan& scan) {
  DC_RETURN_IF_ERROR(storage::CheckStatsScan(scan));
  return WithConnection([&](PgConnection& c) -> Result<std::vector<StatsBucket>> {
    Result<PgTransaction> snapshot = PgTransaction::Begin(
        c, "computing statistics", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!snapshot) return snapshot.error();
    PgStatsSource source(c);
    Result<std::vector<StatsBucket>> buckets = storage::ComputeStatistics(source, scan);
    if (!buckets) return buckets.error();
    DC_RETURN_IF_ERROR(snapshot->Commit("computing statistics"));
    return buckets;
  });
}

}  // namespace dc::postgres
