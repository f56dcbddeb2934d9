#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/catalog_types.h"
#include "domain/fetch_types.h"
#include "domain/reading.h"
#include "storage/store_options.h"

namespace dc {

// The readings of one upload, bound for one input. Readings are applied in
// order, so of two with the same timestamp the later one wins.
struct IngestBatch {
  int64_t input_pk = 0;
  std::vector<Reading> readings;
};

// A reading as stored, with the id the store gave it.
struct StoredReading {
  int64_t id = 0;
  Reading reading;
};

// Raw readings of one input: those inside `window`, ordered by `order_by`
// then timestamp, in `sort` direction, the first `limit` of them.
struct RawScan {
  int64_t input_pk = 0;
  TimeWindow window;
  int64_t limit = 1000;
  OrderBy order_by = OrderBy::kTimestamp;
  SortDirection sort = SortDirection::kDesc;
  // Whether latitude/longitude, x_axis_value and metadata are wanted; the
  // backend may skip reading what is not.
  bool with_lat_long = false;
  bool with_x_axis = false;
  bool with_metadata = false;
};

// Statistics of one input over `window`: without `interval_micros`, exactly
// one bucket covering the window (count 0 when empty); with it, one bucket
// per non-empty interval aligned to multiples of the interval since the
// epoch, in ascending time, at most `max_buckets` of them (the earliest).
struct StatsScan {
  int64_t input_pk = 0;
  TimeWindow window;
  std::optional<int64_t> interval_micros;
  int64_t max_buckets = 1000;
};

struct StatsBucket {
  Timestamp start;  // the bucket's aligned start; unset without interval
  Aggregate aggregate;
};

// Everything the server needs to authenticate and route requests, loaded in
// one go. Assets list their inputs in the asset's order.
struct CatalogData {
  int64_t version = 0;
  std::vector<Organisation> orgs;
  std::vector<Input> inputs;
  std::vector<Asset> assets;
};

// What a backup (or a restore) wrote: one file of `bytes`, holding
// `readings` readings (-1 when not known: a restored file of an older
// schema, counted once the server has migrated it).
struct BackupSummary {
  int64_t bytes = 0;
  int64_t readings = 0;
};

// Store is the durable home of the catalog (organisations, inputs, assets)
// and of the readings. Backends live in their own folders (sqlite/, later
// postgres/) and are chosen by OpenStore() (store_factory.h) from a URL;
// what they share is in core/.
//
// Thread safety: every method may be called from any thread; a backend
// serialises what must be serialised. WriteBatches is meant to be called by
// the ingest writer (ingest/), which batches concurrent uploads into one
// transaction (group commit), from at most ConcurrentWriters() threads.
//
// Errors: NotFound for an unknown organisation/input/asset named in a
// mutation, or one of another organisation (reported alike, as docs/api.md's
// "Authentication" 404 is), Conflict for a duplicate id, InvalidArgument for a violated rule (a
// repeated input; an unknown input_pk or a non-finite number in
// WriteBatches), Unavailable when the storage cannot write (disk full, I/O
// error, another process holding the write lock past the busy timeout) —
// nothing of that call was stored, and a later call may succeed — and
// Internal for everything else.
class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // ---- catalog: every mutation bumps CatalogVersion() in its transaction.
  // Stores `org` as given (id, name, key salt and hash).
  virtual Status CreateOrg(const Organisation& org) = 0;
  virtual Result<Organisation> FindOrg(std::string_view org_id) = 0;
  virtual Status SetOrgKey(std::string_view org_id, std::string_view key_salt,
                           std::string_view key_hash) = 0;
  // `input.pk` is ignored; the stored input, with its pk, is returned.
  virtual Result<Input> CreateInput(const Input& input) = 0;
  // `asset.id` 0 means "allocate one". Every input must exist and belong to
  // the asset's organisation; a repeated input is InvalidArgument.
  virtual Result<Asset> CreateAsset(const Asset& asset) = 0;
  // Appends an input to an asset of `org_id`. Conflict if already there.
  virtual Result<Asset> AddInputToAsset(std::string_view org_id, int64_t asset_id,
                                        std::string_view input_id) = 0;
  // Cheap: lets a running server notice catalog changes made by the CLI.
  virtual Result<int64_t> CatalogVersion() = 0;
  virtual Result<CatalogData> LoadCatalog() = 0;

  // ---- readings
  // Stores every batch in one durable step: when this returns OK the
  // readings survive a crash of the process (and, with Sync::kFull, of the
  // machine), and every later read sees them. All batches are stored or
  // none. A reading whose (input,
  // timestamp) exists replaces it wholly and keeps the existing id. Returns,
  // per batch, the id of each of its readings, in order.
  virtual Result<std::vector<std::vector<int64_t>>> WriteBatches(
      std::span<const IngestBatch* const> batches) = 0;
  // How many WriteBatches calls may run at once, each in a transaction of
  // its own. Readings of one key written by two calls at once end as one of
  // them, as two uploads at once over HTTP may.
  virtual int ConcurrentWriters() const { return 1; }
  // Calls `visit` for each reading of `scan`, in order. Stops early and
  // returns the error if the storage fails. Fast for any window: a bounded
  // scan of one input's readings, never a sort of all of them. `visit` runs
  // while the backend holds a read connection: it must not call the store.
  virtual Status ScanReadings(const RawScan& scan,
                              const std::function<void(const Reading&)>& visit) = 0;
  // Statistics answered mostly from per-hour aggregates kept beside the
  // readings: whole hours never touch raw readings.
  virtual Result<std::vector<StatsBucket>> Statistics(const StatsScan& scan) = 0;

  virtual Result<std::optional<StoredReading>> FindReading(int64_t input_pk, Timestamp ts) = 0;
  // Number of readings stored for an input (tests and tools).
  virtual Result<int64_t> CountReadings(int64_t input_pk) = 0;

  // ---- operations
  // OK when the store answers a read and, as far as it knows, accepts
  // writes: its last attempt to make readings durable or to merge them did
  // not fail. Else Unavailable, with a detail fit for clients (no file
  // names), e.g. "the disk is full or failing: readings cannot be merged".
  // Cheap (one small read): a load balancer may call it every second.
  virtual Status CheckReady() = 0;
  // Bytes the store's files take on disk, for monitoring; 0 when unknown.
  virtual uint64_t SizeOnDisk() = 0;
  // Writes a consistent copy of the whole store to the file `path`, while
  // the store is in use (by this process or a running server): it holds
  // every reading acknowledged before the call began, and is one
  // self-contained file that RestoreStore() accepts. `path` is written
  // whole or not at all. Conflict if `path` exists and !overwrite.
  // Backends that cannot answer InvalidArgument.
  virtual Result<BackupSummary> BackupTo(const std::string& path, bool overwrite) {
    (void)path;
    (void)overwrite;
    return Status::InvalidArgument("this storage backend cannot make backup files");
  }
};

}  // namespace dc
