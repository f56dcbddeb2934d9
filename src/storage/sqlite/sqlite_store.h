#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc {

// SqliteStore is the embedded SQLite backend of Store: one database file in
// WAL mode, shared safely with other processes (the CLI) through SQLite's
// file locks.
//
// It holds one writer connection, used by catalog mutations and
// WriteBatches, each a BEGIN IMMEDIATE transaction; and a pool of up to
// kMaxReaders reader connections, used by every read. Thanks to WAL, reads
// never wait for the writer, run in parallel with each other, and always
// see committed data only; each read method runs in one read transaction
// (one statement, or BEGIN ... COMMIT), so it sees one snapshot.
//
// Readings are kept with per-hour aggregates (hour_stats.h), written in the
// same transaction, from which Statistics answers whole hours; only the
// partial hours at a window's edges read raw readings. Costs that grow with
// the window: Statistics with an interval that is not a whole number of
// hours reads the raw readings of its buckets, and ScanReadings by value
// reads ts and value of every reading in the window (in O(limit) memory).
//
// Thread safety: every method may be called from any thread. Writes are
// serialised by the writer mutex; reads borrow a reader connection and wait
// only when all kMaxReaders are busy. A read never waits for a write. Other
// processes writing the same file are waited for up to
// StoreOptions::busy_timeout_ms, then the call returns Unavailable.
// ScanReadings calls its visitor while it holds a reader connection: the
// visitor must not call back into the store (with every connection held that
// way, it would wait forever).
//
// Ownership: owns all connections and their prepared statements.
//
// Errors: as documented on Store; SQLite failures are mapped by
// SqliteStatus(). Open() fails with Unavailable when the file cannot be
// created or opened, InvalidArgument when its schema is newer than this
// binary knows or it is not a datacooee database. ScanReadings and
// Statistics return InvalidArgument for a negative limit or max_buckets or
// a non-positive interval; a zero limit gives no readings, a zero
// max_buckets with an interval no buckets.
class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) the database file at `path` and migrates it
  // to the current schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const StoreOptions& options);
  ~SqliteStore() override;

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
  Status ScanReadings(const RawScan& scan,
                      const std::function<void(const Reading&)>& visit) override;
  Result<std::vector<StatsBucket>> Statistics(const StatsScan& scan) override;
  Result<std::optional<StoredReading>> FindReading(int64_t input_pk, Timestamp ts) override;
  Result<int64_t> CountReadings(int64_t input_pk) override;

  // Tests only: runs `sql` on the writer connection (e.g. a PRAGMA that
  // makes the next write fail as a full disk would).
  Status ExecOnWriterForTesting(const char* sql);
  // Tests only: reader connections opened so far.
  size_t ReadersOpenedForTesting() { return readers_->OpenedForTesting(); }

  // Reads that run at once before one waits for a connection.
  static constexpr size_t kMaxReaders = 4;

 private:
  // The writer connection and the statements prepared on it once, because
  // they run for every WriteBatches call or every row.
  struct Writer {
    Connection connection;  // declared first: destroyed after its statements
    Statement find_reading_id;
    Statement insert_reading;
    Statement update_reading;
    Statement input_exists;
    Statement read_next_reading_id;
    Statement write_next_reading_id;
    Statement upsert_hour_stats;
    Statement recompute_hour_stats;
  };

  SqliteStore() = default;
  static Result<Writer> OpenWriter(const std::string& path, const StoreOptions& options);

  // Runs `read(Reader&)` on a borrowed reader connection, held exclusively
  // until `read` returns. `read` returns a Status or a Result.
  template <typename F>
  auto WithReader(F&& read) -> decltype(read(std::declval<Reader&>())) {
    Result<ReaderPool::Lease> lease = readers_->Borrow();
    if (!lease) return lease.error();
    return read(**lease);
  }

  // Catalog helpers, run inside a writer transaction (writer_mu_ held).
  Status BumpCatalogVersion();
  Result<Asset> LoadAssetLocked(int64_t asset_id);

  std::mutex writer_mu_;
  Writer writer_;  // guarded by writer_mu_

  std::unique_ptr<ReaderPool> readers_;  // set by Open(), then immutable
};

}  // namespace dc
