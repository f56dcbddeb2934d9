#include "storage/postgres/pg_partitions.h"

#include <chrono>
#include <cstdio>

#include "storage/core/hour_math.h"

namespace dc::postgres {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr int kFirstMonthlyYear = 2000;
constexpr int kFirstYearAfter = 2100;
constexpr int64_t kMicrosPerDay = 86'400'000'000;
// The advisory lock partition creation runs under ("dcparts").
constexpr const char* kPartitionLock = "28256831993443443";

int64_t MicrosOf(year_month_day date) {
  return static_cast<int64_t>(sys_days(date).time_since_epoch().count()) * kMicrosPerDay;
}

}  // namespace

std::optional<MonthPartition> MonthPartitionOf(int64_t ts) {
  const year_month_day date{sys_days(std::chrono::days(storage::FloorDiv(ts, kMicrosPerDay)))};
  const int y = static_cast<int>(date.year());
  if (y < kFirstMonthlyYear || y >= kFirstYearAfter) return std::nullopt;
  const year_month_day first{date.year(), date.month(), day(1)};
  const auto next = std::chrono::year_month(date.year(), date.month()) + std::chrono::months(1);
  char name[32];
  std::snprintf(name, sizeof name, "readings_%04d_%02u", y, static_cast<unsigned>(date.month()));
  return MonthPartition{.name = name,
                        .from = MicrosOf(first),
                        .to = MicrosOf(year_month_day{next.year(), next.month(), day(1)})};
}

Status PartitionCatalog::Ensure(PgConnection& connection, const std::set<MonthPartition>& months) {
  std::lock_guard lock(mutex_);
  std::string sql;
  for (const MonthPartition& month : months) {
    if (known_.contains(month.name)) continue;
    sql += "CREATE TABLE IF NOT EXISTS " + month.name + " PARTITION OF readings FOR VALUES FROM (" +
           std::to_string(month.from) + ") TO (" + std::to_string(month.to) + ");\n";
  }
  if (sql.empty()) return Status::Ok();
  DC_RETURN_IF_ERROR(connection.ExecTransaction(
      std::string("SELECT pg_advisory_xact_lock(") + kPartitionLock + ");\n" + sql,
      "creating partitions of readings"));
  for (const MonthPartition& month : months) known_.insert(month.name);
  return Status::Ok();
}

}  // namespace dc::postgres
