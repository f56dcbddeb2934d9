// SqliteStore: Statistics, computed by storage::ComputeStatistics (how whole
// hours and edges are read is said there) from a SqliteStatsSource. Everything
// runs in one read transaction, so the parts agree with each other.
#include "storage/core/statistics.h"
#include "storage/sqlite/sqlite_stats_source.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {

Result<std::vector<StatsBucket>> SqliteStore::Statistics(const StatsScan& scan) {
  DC_RETURN_IF_ERROR(storage::CheckStatsScan(scan));
  DC_RETURN_IF_ERROR(AwaitMerged(scan.input_pk));
  return WithReader([&](Reader& reader) -> Result<std::vector<StatsBucket>> {
    Result<Transaction> snapshot =
        Transaction::Begin(reader.connection().get(), TransactionKind::kRead);
    if (!snapshot) return snapshot.error();
    SqliteStatsSource source(reader);
    Result<std::vector<StatsBucket>> result = storage::ComputeStatistics(source, scan);
    if (!result) return result.error();
    DC_RETURN_IF_ERROR(snapshot->Commit());
    return result;
  });
}

}  // namespace dc::sqlite
