#pragma once

namespace dc {

namespace metrics {
class Histogram;
}

// How hard a commit works to be durable.
enum class SyncMode {
  // Every commit is fsynced before it is acknowledged: an acknowledged
  // reading survives a crash of the process and a loss of power. Default.
  kFull,
  // Commits reach the operating system but are fsynced only at checkpoints:
  // an acknowledged reading survives a crash of the process (kill -9) but the
  // last commits may be lost on power failure. Faster on slow disks.
  kNormal,
};

// Options for opening a store that every backend takes; a backend's own
// tuning is in its folder (sqlite/sqlite_options.h). Every field states its
// default.
struct StoreOptions {
  SyncMode sync = SyncMode::kFull;
  // How long a connection waits for another process's write lock (e.g. the
  // CLI creating an input while the server writes readings).
  int busy_timeout_ms = 5000;
  // Whether this process stores readings. One process at a time may (the
  // server); the CLI opens the store for its catalog only, and so can run
  // beside the server. Without it, WriteBatches fails with Unavailable.
  bool write_readings = true;
  // Reader connections: how many reads run at once before one waits for a
  // connection. The server sets it to its read thread count (--read-threads).
  int read_connections = 4;
  // Where the store records how long each durable step takes (an fsync of
  // the SQLite backend's ingest log, a commit on PostgreSQL;
  // metrics/server_metrics.h); null records nothing. Borrowed: must outlive
  // the store.
  metrics::Histogram* sync_seconds = nullptr;
};

}  // namespace dc
