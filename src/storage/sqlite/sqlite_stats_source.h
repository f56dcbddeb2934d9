#pragma once

#include <cstdint>
#include <functional>

#include "storage/core/stats_source.h"
#include "storage/sqlite/reader_pool.h"

namespace dc::sqlite {

// SqliteStatsSource reads what storage::ComputeStatistics asks for from one
// reader connection: hour aggregates from hour_stats (one range scan of its
// (input_pk, hour) key), raw readings from reading_blocks. The caller holds
// the read transaction that gives every call one snapshot.
//
// Thread-compatible; borrows `reader`, which must outlive it. Errors are
// those of the statements (SqliteStatus()).
class SqliteStatsSource final : public storage::StatsSource {
 public:
  explicit SqliteStatsSource(Reader& reader) : reader_(reader) {}

  Result<Aggregate> RawAggregate(int64_t input_pk, const storage::MicrosRange& range) override;
  Status ForEachHourRow(int64_t input_pk, const storage::HourRange& hours,
                        const std::function<bool(int64_t, const Aggregate&)>& row) override;
  Status ForEachReading(int64_t input_pk, const storage::MicrosRange& range,
                        const std::function<bool(Timestamp, double)>& reading) override;

 private:
  Reader& reader_;
};

}  // namespace dc::sqlite
