#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "storage/postgres/pg_connection.h"

namespace dc::postgres {

// The monthly partition of `readings` that holds timestamp `ts`
// (microseconds), or nullopt for a timestamp before 2000 or from 2100 on,
// which the two fixed partitions of migration 1 hold.
struct MonthPartition {
  std::string name;  // readings_YYYY_MM
  int64_t from = 0;  // first microsecond of the month, UTC
  int64_t to = 0;    // first microsecond of the next month
  auto operator<=>(const MonthPartition&) const = default;
};
std::optional<MonthPartition> MonthPartitionOf(int64_t ts);

// Creates monthly partitions before the readings that need them are
// written, and remembers which exist. Creating one takes a lock on
// `readings` that waits for every open transaction on it, so it happens in
// a transaction of its own, before the upload's, and once per month per
// server. Servers racing to create the same month take turns under an
// advisory lock. Thread-safe.
class PartitionCatalog {
 public:
  Status Ensure(PgConnection& connection, const std::set<MonthPartition>& months);

 private:
  std::mutex mutex_;
  std::set<std::string> known_;
};

}  // namespace dc::postgres
