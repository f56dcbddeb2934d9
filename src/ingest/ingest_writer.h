#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/result.h"
#include "metrics/server_metrics.h"
#include "storage/store.h"

namespace dc {

// Options for the ingest writer. Every field states its default.
struct IngestOptions {
  // Readings queued for the writer beyond this make new uploads fail at once
  // with 503, so a burst bounds memory instead of growing it.
  size_t max_pending_readings = 1'000'000;
  // A commit takes at most this many readings (whole uploads only; a single
  // larger upload is committed alone), which bounds one transaction's time.
  size_t max_readings_per_commit = 50'000;
  // Where each commit is counted and timed; null records nothing. Borrowed:
  // must outlive the writer.
  metrics::IngestMetrics* metrics = nullptr;
};

// IngestWriter is the one writer of readings: uploads from every connection
// are queued here, and a dedicated thread commits whatever is queued in one
// durable transaction (group commit), then reports each upload's outcome.
// Under load one fsync thus covers many requests, and the I/O threads never
// wait for a disk. A store that takes several transactions at once
// (Store::ConcurrentWriters) gets as many such threads, each taking what
// was queued while the others commit.
//
// Thread-safe. Borrows the store, which must outlive the writer.
class IngestWriter {
 public:
  // Receives the ids of the batch's readings once committed, or the error;
  // runs on the writer thread, so it must be quick.
  using Done = std::function<void(Result<std::vector<int64_t>> ids)>;

  struct Stats {
    uint64_t commits = 0;
    uint64_t readings = 0;
  };

  IngestWriter(Store& store, IngestOptions options);
  ~IngestWriter();
  IngestWriter(const IngestWriter&) = delete;
  IngestWriter& operator=(const IngestWriter&) = delete;

  // Queues `batch`. `done` is always called exactly once: Unavailable when
  // the queue is full or the writer has stopped.
  void Submit(IngestBatch batch, Done done);
  // Commits what is queued, then ends the thread. Idempotent.
  void Stop();
  Stats stats() const;
  // Readings of the uploads queued and not yet taken for a commit.
  size_t queued_readings() const;

 private:
  struct Pending {
    IngestBatch batch;
    Done done;
  };
  void Loop();
  void CommitGuarded(std::vector<Pending>& group);
  void Commit(std::span<Pending> group);
  static void Answer(Pending& pending, Result<std::vector<int64_t>> ids);

  Store& store_;
  const IngestOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;   // guarded by mutex_
  size_t queued_readings_ = 0;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  Stats stats_;                 // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace dc
