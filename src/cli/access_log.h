#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/request_record.h"

namespace dc::cli {

// The access log: one line per finished request on stderr, as text or as a
// JSON object (docs/operations.md, "Logs"), with the method, the route's
// pattern (never the target, whose query string may hold anything), status,
// body bytes, duration, organisation id and peer; never a header, so never
// a key. Health checks are at debug level, the rest at info.
//
// Lines gather in a few buffers, one per I/O thread as a rule, and reach
// stderr in batches: when a buffer holds 64 KiB, and from a flusher thread
// every 200 ms. A line costs its formatting and an uncontended lock; a
// write(2) per request (spdlog's stderr sinks flush every line) cost W1
// about a tenth of its throughput.
//
// Thread-safe. Record() must not throw and does not. The destructor writes
// what is buffered.
class AccessLog {
 public:
  // `debug`: health checks are logged too.
  AccessLog(bool json, bool debug);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Record(const http::RequestRecord& record);
  // Writes every buffered line now.
  void Flush();

 private:
  struct Shard {
    std::mutex mutex;
    std::string lines;  // guarded by mutex
  };
  static constexpr size_t kShards = 8;
  static constexpr size_t kBatchBytes = 64 * 1024;

  void Format(const http::RequestRecord& record, std::string& out) const;
  void FlushShard(Shard& shard);
  void FlushLoop();

  const bool json_;
  const bool debug_;
  Shard shards_[kShards];
  std::mutex write_mutex_;  // one batch at a time reaches stderr, whole
  std::mutex flusher_mutex_;
  std::condition_variable flusher_wake_;
  bool stopping_ = false;  // guarded by flusher_mutex_
  std::thread flusher_;
};

}  // namespace dc::cli
