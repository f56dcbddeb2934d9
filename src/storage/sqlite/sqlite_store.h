#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "storage/sqlite/block_merge.h"
#include "storage/sqlite/ingest_log.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/reading_block.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/sqlite/unmerged_readings.h"
#include "storage/store.h"

namespace dc::sqlite {

// SqliteStore is the embedded SQLite backend of Store: one database file in
// WAL mode, shared safely with other processes (the CLI) through SQLite's
// file locks.
//
// Readings take two steps. WriteBatches gives them ids and appends them to
// the ingest log (ingest_log.h), fsynced: that is when they are durable and
// acknowledged. A merge thread then writes what the log holds into the
// tables in large transactions (sqlite_store_merge.cc), when enough has
// gathered, when uploads pause, at the latest a set delay after the first
// (SqliteOptions), or at once when a read asks: every read of readings first
// waits until everything acknowledged before it began is merged, so a
// reading is readable as soon as its upload is answered (a read waits only
// when its input has unmerged readings). A merged segment of the log is
// deleted; Open() merges whatever a crash left in it. While merges fail (a full
// disk), uploads are refused, and reads of an input with unmerged readings
// answer Unavailable rather than leave out what was acknowledged.
//
// It holds one writer connection, used by catalog mutations and merges,
// each a BEGIN IMMEDIATE transaction; one connection for the lookups of
// WriteBatches; and a pool of up to StoreOptions::read_connections reader
// connections, used by every read. Thanks to WAL, reads never wait for the
// writer, run in parallel with each other, and always see committed data
// only; each read method runs in one read transaction (one statement, or
// BEGIN ... COMMIT), so it sees one snapshot.
//
// Readings are stored in blocks of a few hundred per input (block_table.h),
// and kept with per-hour aggregates (hour_stats.h), written in the same
// transaction, from which Statistics answers whole hours; only the
// partial hours at a window's edges read raw readings. Costs that grow with
// the window: Statistics with an interval that is not a whole number of
// hours reads the raw readings of its buckets, and ScanReadings by value
// reads ts and value of every reading in the window (in O(limit) memory).
//
// Thread safety: every method may be called from any thread. Writes are
// serialised by the writer mutex; reads borrow a reader connection and wait
// only when all read_connections are busy, and for the merge of what was
// acknowledged before them (never for another upload's fsync). Other
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
  // Opens (creating if missing) the database file at `path`, migrates it to
  // the current schema and, unless options.write_readings is false, takes
  // the ingest log's lock (waiting up to the busy timeout; Unavailable if
  // another process keeps it) and merges what the log holds.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const StoreOptions& options,
                                                   const SqliteOptions& tuning = {});
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
  // sqlite_store_health.cc
  Status CheckReady() override;
  uint64_t SizeOnDisk() override;
  // sqlite_backup.cc: the tables as of one moment, plus what the ingest log
  // held unmerged then, merged into one file.
  Result<BackupSummary> BackupTo(const std::string& path, bool overwrite) override;

  // Merges every reading acknowledged so far into the tables now; when it
  // returns OK, the database file alone holds them (for tools and tests
  // that read the file).
  Status Flush();

  // Tests only: runs `sql` on the writer connection (e.g. a PRAGMA that
  // makes the next write fail as a full disk would).
  Status ExecOnWriterForTesting(const char* sql);
  // Tests only: reader connections opened so far.
  size_t ReadersOpenedForTesting() { return readers_->OpenedForTesting(); }

  // A merge starts once this many readings are unmerged, or on the
  // timings of SqliteOptions::merge_idle_ms and merge_max_delay_ms.
  static constexpr size_t kMergeReadings = 50'000;
  // Uploads wait (then fail with Unavailable) while this many readings are
  // unmerged, which bounds memory when merging falls behind.
  static constexpr size_t kMaxUnmergedReadings = 1'000'000;

 private:
  // The writer connection and the statements prepared on it once, because
  // they run for every WriteBatches call or every row.
  struct Writer {
    Connection connection;  // declared first: destroyed after its statements
    Statement block_spans;  // these four as BlockMerger::Statements says
    Statement read_block;
    Statement delete_block;
    Statement insert_block;
    Statement read_blocks;  // BlockReadSql(kAsc), for recomputed hours
    Statement raise_next_reading_id;
    Statement upsert_hour_stats;
    Statement replace_hour_stats;
    BlockMerger merger;
  };

  // What WriteBatches needs to give out ids and append to the log.
  struct Appender {
    Connection connection;  // read-only; declared first, destroyed last
    Statement input_exists;
    Statement read_blocks;  // finds the id of an existing reading
    Statement find_newest_ts;
    std::unique_ptr<IngestLog> log;  // null when opened without write_readings
    std::unordered_set<int64_t> known_inputs;
    // Per input, the newest timestamp stored or unmerged: a later one is
    // new without any lookup, which is how nearly every reading arrives.
    std::unordered_map<int64_t, int64_t> newest_ts;
    // Per input, the last stretch of time the tables were found to hold no
    // reading in: a reading inside it that is not unmerged is new, without
    // a lookup. That is how a device that backfills old readings while it
    // sends new ones gets its ids. Trusted only until the next merge, which
    // may write into it readings no longer in the unmerged index.
    struct EmptyStretch {
      KeyLookup bounds;         // below and above, exclusive
      uint64_t merged_seq = 0;  // merged_seq_ before the lookup
    };
    std::unordered_map<int64_t, EmptyStretch> empty_stretch;
    int64_t next_id = 0;
    uint64_t next_seq = 1;
    std::string record;  // reused buffer
  };

  SqliteStore() = default;
  static Result<Writer> OpenWriter(const std::string& path, const StoreOptions& options);
  static Result<Appender> OpenAppender(const std::string& path, const StoreOptions& options);

  // sqlite_store_readings.cc: the id of each reading, new or existing
  // (ingest_mu_ held), and what the Appender becomes once they are logged.
  struct IdAssignment {
    std::vector<std::vector<int64_t>> ids;
    int64_t next_id = 0;
    std::unordered_map<int64_t, int64_t> newest_ts;
  };
  Result<IdAssignment> AssignIds(std::span<const IngestBatch* const> batches);
  Result<int64_t> NewestStoredTs(int64_t input_pk);
  // The id of the reading of `input_pk` at `ts` in the tables, if any
  // (ingest_mu_ held).
  Result<std::optional<int64_t>> FindStoredId(int64_t input_pk, int64_t ts);

  // sqlite_store_merge.cc
  // Writes `groups` into the tables in one transaction (writer_mu_ taken).
  Status ApplyGroups(const std::vector<LoggedGroup>& groups);
  Status RecoverLog();
  void StartMerging();
  void StopMerging();
  void MergeLoop();
  // With merge_mu_ held: when the merge timings of SqliteOptions call for a
  // merge of what is held, and whether one is due for any reason.
  std::chrono::steady_clock::time_point TimedMergeDue() const;
  bool MergeDue(std::chrono::steady_clock::time_point now) const;
  Status MergeOnce();
  // Waits until every reading of `input_pk` acknowledged before the call is
  // merged (all inputs' without one).
  Status AwaitMerged(std::optional<int64_t> input_pk);

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

  std::string path_;  // the database file; set by Open(), then immutable

  std::mutex writer_mu_;
  Writer writer_;  // guarded by writer_mu_

  std::unique_ptr<ReaderPool> readers_;  // set by Open(), then immutable

  std::mutex ingest_mu_;  // taken before merge_mu_ when both are held
  Appender appender_;     // guarded by ingest_mu_

  std::mutex merge_mu_;
  std::condition_variable merge_wake_;                 // the merge thread waits on it
  std::condition_variable merged_;                     // readers and Flush() wait on it
  UnmergedReadings unmerged_;                          // guarded by merge_mu_
  std::atomic<uint64_t> appended_seq_{0};              // newest acknowledged group
  std::atomic<uint64_t> merged_seq_{0};                // every group up to it is merged
  uint64_t merge_wanted_ = 0;                          // guarded by merge_mu_
  std::chrono::milliseconds merge_idle_{0};            // set by Open(), then immutable
  std::chrono::milliseconds merge_max_delay_{0};       // set by Open(), then immutable
  std::chrono::steady_clock::time_point last_append_;  // guarded by merge_mu_
  Status merge_failure_;                               // guarded by merge_mu_; the last one
  uint64_t merge_failures_ = 0;                        // guarded by merge_mu_
  bool merge_failing_ = false;  // guarded by merge_mu_; since the last success
  // Whether the last append to the ingest log failed (CheckReady()).
  std::atomic<bool> append_failing_{false};
  bool stopping_ = false;  // guarded by merge_mu_
  std::thread merge_thread_;
};

}  // namespace dc::sqlite
