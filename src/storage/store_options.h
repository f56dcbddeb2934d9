#pragma once

namespace dc {

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
};

}  // namespace dc
