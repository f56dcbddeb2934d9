#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store.h"

namespace dc {

// SqliteStore is the embedded SQLite backend of Store: one database file in
// WAL mode, shared safely with other processes (the CLI) through SQLite's
// file locks.
//
// It holds one writer connection, used by catalog mutations and
// WriteBatches, each a BEGIN IMMEDIATE transaction; and one reader
// connection, used by FindOrg, CatalogVersion, LoadCatalog, FindReading and
// CountReadings. Thanks to WAL, reads never wait for the writer and always
// see committed data only.
//
// Thread safety: every method may be called from any thread. Writes are
// serialised by the writer mutex, reads by the reader mutex; a read never
// waits for a write. Other processes writing the same file are waited for up
// to StoreOptions::busy_timeout_ms, then the call returns Unavailable.
//
// Ownership: owns both connections and their prepared statements.
//
// Errors: as documented on Store; SQLite failures are mapped by
// SqliteStatus(). Open() fails with Unavailable when the file cannot be
// created or opened, InvalidArgument when its schema is newer than this
// binary knows or it is not a datacooee database.
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
  Result<std::optional<StoredReading>> FindReading(int64_t input_pk, Timestamp ts) override;
  Result<int64_t> CountReadings(int64_t input_pk) override;

  // Tests only: runs `sql` on the writer connection (e.g. a PRAGMA that
  // makes the next write fail as a full disk would).
  Status ExecOnWriterForTesting(const char* sql);

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
  };
  // A reader connection and its prepared statements. Today there is one,
  // behind reader_mu_; a later change makes this a pool, touching only
  // OpenReader() and WithReader().
  struct Reader {
    Connection connection;  // declared first: destroyed after its statements
    Statement read_catalog_version;
  };

  SqliteStore() = default;
  static Result<Writer> OpenWriter(const std::string& path, const StoreOptions& options);
  static Result<Reader> OpenReader(const std::string& path, const StoreOptions& options);

  // Runs `read(Reader&)` on a reader connection, holding it exclusively.
  template <typename F>
  auto WithReader(F&& read) {
    std::lock_guard<std::mutex> lock(reader_mu_);
    return read(reader_);
  }

  // Catalog helpers, run inside a writer transaction (writer_mu_ held).
  Status BumpCatalogVersion();
  Result<Asset> LoadAssetLocked(int64_t asset_id);

  std::mutex writer_mu_;
  Writer writer_;  // guarded by writer_mu_

  std::mutex reader_mu_;
  Reader reader_;  // guarded by reader_mu_
};

}  // namespace dc
