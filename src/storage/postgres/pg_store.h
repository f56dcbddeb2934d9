#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_options.h"
#include "storage/postgres/pg_partitions.h"
#include "storage/postgres/pg_pool.h"
#include "storage/store.h"

namespace dc::postgres {

// Why `datacooee backup` and `restore` refuse a PostgreSQL database: they
// make and take SQLite files, and PostgreSQL has tools of its own.
Status UseDatabaseTools();

// PgStore is Store on PostgreSQL or a Citus cluster (docs/postgresql.md).
// It keeps no state of its own that a crash could lose: a WriteBatches
// that returned OK has committed (synchronous_commit on), in one
// transaction with the hour aggregates, so several servers can share one
// database and any of them may be killed at any moment.
//
// Threads: each WriteBatches call borrows one of PgOptions::
// writer_connections (the ingest writer calls it from as many threads);
// everything else borrows a connection from a pool of
// StoreOptions::read_connections.
class PgStore final : public Store {
 public:
  // Connects, migrates the schema (pg_schema.h) and checks that the
  // database answers. Unavailable when PostgreSQL cannot be reached.
  static Result<std::unique_ptr<PgStore>> Open(const std::string& conninfo,
                                               const StoreOptions& options,
                                               const PgOptions& pg_options = {});

  Status CreateOrg(const Organisation& org) override;
  Result<Organisation> FindOrg(std::string_view org_id) override;
  Status SetOrgKey(std::string_view org_id, std::string_view key_salt,
                   std::string_view key_hash) override;
  Result<Input> CreateInput(const Input& input) override;
  Result<Asset> CreateAsset(const Asset& asset) override;
  Result<Asset> AddInputToAsset(std::string_view org_id, int64_t asset_id,
                                std::string_view input_id) override;
  Result<int64_t> CatalogVersion() override;
  Result<CatalogData> LoadCatalog() override;

  Result<std::vector<std::vector<int64_t>>> WriteBatches(
      std::span<const IngestBatch* const> batches) override;
  int ConcurrentWriters() const override { return writer_connections_; }
  Status ScanReadings(const RawScan& scan,
                      const std::function<void(const Reading&)>& visit) override;
  Result<std::vector<StatsBucket>> Statistics(const StatsScan& scan) override;
  Result<std::optional<StoredReading>> FindReading(int64_t input_pk, Timestamp ts) override;
  Result<int64_t> CountReadings(int64_t input_pk) override;

  Status CheckReady() override;
  uint64_t SizeOnDisk() override;
  Result<BackupSummary> BackupTo(const std::string& path, bool overwrite) override;

 private:
  PgStore(std::string conninfo, const StoreOptions& options, const PgOptions& pg_options,
          bool citus);

  // Runs `f(connection)` on a connection borrowed from the pool.
  template <class F>
  auto WithConnection(F f) -> decltype(f(std::declval<PgConnection&>())) {
    Result<PgLease> lease = pool_.Borrow();
    if (!lease) return lease.error();
    return f(**lease);
  }

  // A writer connection: synchronous_commit on and a staging table.
  Result<PgLease> Writer();
  // One try of WriteBatches' transaction.
  Result<std::vector<std::vector<int64_t>>> WriteOnce(PgConnection& writer,
                                                      std::span<const IngestBatch* const> batches);
  // The next `n` reading ids, from blocks of the reading_ids sequence.
  Result<std::vector<int64_t>> TakeIds(PgConnection& writer, size_t n);
  Status CheckInputsExist(PgConnection& writer, std::span<const IngestBatch* const> batches);

  const std::string conninfo_;
  const StoreOptions options_;
  const bool citus_;
  const int writer_connections_;
  PgPool pool_;
  PgPool writers_;
  PartitionCatalog partitions_;

  std::mutex ids_mutex_;
  int64_t next_id_ = 0;   // the next id of the block taken last; guarded by ids_mutex_
  int64_t ids_left_ = 0;  // ids left in that block; guarded by ids_mutex_
  std::mutex inputs_mutex_;
  std::set<int64_t> known_inputs_;  // guarded by inputs_mutex_
  // Whether the last commit of readings failed (CheckReady reports it).
  std::atomic<bool> write_failing_{false};
};

}  // namespace dc::postgres
