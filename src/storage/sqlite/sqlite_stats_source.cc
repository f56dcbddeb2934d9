#include "storage/sqlite/sqlite_stats_source.h"

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_statement.h"

namespace dc::sqlite {
namespace {

constexpr const char* kHourRowsSql =
    "SELECT hour, count, sum, min, max, first_ts, first_value, last_ts, last_value "
    "FROM hour_stats WHERE input_pk = ?1 AND hour BETWEEN ?2 AND ?3 ORDER BY hour";

}  // namespace

Result<Aggregate> SqliteStatsSource::RawAggregate(int64_t input_pk,
                                                  const storage::MicrosRange& range) {
  Result<Statement*> blocks = reader_.Prepared(BlockReadSql(SortDirection::kAsc));
  if (!blocks) return blocks.error();
  return AggregateStored(**blocks, input_pk, range.first, range.last);
}

Status SqliteStatsSource::ForEachHourRow(
    int64_t input_pk, const storage::HourRange& hours,
    const std::function<bool(int64_t, const Aggregate&)>& row) {
  Result<Statement*> prepared = reader_.Prepared(kHourRowsSql);
  if (!prepared) return prepared.error();
  Statement& select = **prepared;
  StatementResetter reset(select);
  select.BindInt64(1, input_pk);
  select.BindInt64(2, hours.first);
  select.BindInt64(3, hours.last);
  while (true) {
    Result<bool> more = select.Step("reading hour statistics");
    if (!more) return more.error();
    if (!*more || !row(select.ColumnInt64(0), ColumnAggregate(select, 1))) return Status::Ok();
  }
}

Status SqliteStatsSource::ForEachReading(int64_t input_pk, const storage::MicrosRange& range,
                                         const std::function<bool(Timestamp, double)>& reading) {
  Result<Statement*> blocks = reader_.Prepared(BlockReadSql(SortDirection::kAsc));
  if (!blocks) return blocks.error();
  return ForEachStoredReading(**blocks, input_pk, range.first, range.last, SortDirection::kAsc,
                              [&](const StoredReading& stored) {
                                return reading(stored.reading.timestamp, stored.reading.value);
                              });
}

}  // namespace dc::sqlite
