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

// Options for opening a store. Every field states its default.
struct StoreOptions {
  SyncMode sync = SyncMode::kFull;
  // How long a connection waits for another process's write lock (e.g. the
  // CLI creating an input while the server writes readings).
  int busy_timeout_ms = 5000;
  // Whether this process stores readings. One process at a time may (the
  // server); the CLI opens the store for its catalog only, and so can run
  // beside the server. Without it, WriteBatches fails with Unavailable.
  bool write_readings = true;
  // The embedded backend acknowledges readings once they are in its ingest
  // log and merges them into its tables later (sqlite_store.h): once no
  // upload came for merge_idle_ms, and at the latest merge_max_delay_ms
  // after the oldest unmerged one. Longer delays merge more readings per
  // block rewritten (1 s against 100 ms: 41.8 against 44.4 µs of server
  // CPU per single-reading upload, the mean of 4 alternating 8 s runs of
  // 64 connections; noisy); a read never waits longer than one merge,
  // which it starts itself.
  int merge_idle_ms = 5;
  int merge_max_delay_ms = 1000;
  // Where the store records how long each fsync of its ingest log takes
  // (metrics/server_metrics.h); null records nothing. Borrowed: must
  // outlive the store.
  metrics::Histogram* sync_seconds = nullptr;
};

}  // namespace dc
