#pragma once

#include <cstddef>
#include <cstdint>

#include "common/result.h"

namespace dc::http {

// Every connection is a file descriptor, and so is everything else the
// process opens: the store's files, its reader connections, the ingest log,
// the logs, the refused connections lingering for their 503. A connection
// cap above what the open-file limit (RLIMIT_NOFILE) leaves makes accept()
// fail with EMFILE instead of taking an idle connection's place.
struct ConnectionCap {
  size_t connections = 0;   // the cap in force: at most max_connections
  uint64_t file_limit = 0;  // the soft RLIMIT_NOFILE; 0 when unlimited
  size_t reserved = 0;      // descriptors kept for everything but connections
};

// Descriptors the process may open after the server starts listening,
// besides its connections: reader connections opened on demand (a database
// and a write-ahead log file each), the ingest log's next segment,
// SQLite's temporary files, the TLS files on SIGHUP, a log file reopened.
inline constexpr size_t kLaterDescriptors = 64;
// Below this many places (or max_connections, if lower) the server does not start.
inline constexpr size_t kMinimumConnections = 16;

// The cap for `max_connections` under `file_limit` (0: unlimited), with
// `open_now` descriptors already open and room kept for kLaterDescriptors
// and `max_refused_lingering`.
ConnectionCap CapConnections(uint64_t file_limit, size_t open_now, size_t max_refused_lingering,
                             size_t max_connections);

// InvalidArgument, saying what to raise, when `cap` leaves fewer than
// kMinimumConnections places (or max_connections, if lower).
Status CheckRoomForConnections(const ConnectionCap& cap, size_t max_connections);

// Raises the soft RLIMIT_NOFILE to the hard limit where allowed, then
// CapConnections() under it with the descriptors the process holds now
// (call it once the store is open and the server listens).
ConnectionCap CapConnectionsForThisProcess(size_t max_refused_lingering, size_t max_connections);

// The soft RLIMIT_NOFILE now (0: unlimited); no descriptor needed, so it
// can be read when descriptors have run out.
uint64_t CurrentFileLimit();

// Descriptors this process holds now (from /proc/self/fd); 0 if unknown.
size_t OpenDescriptors();

// A few descriptors held in reserve (on /dev/null) for when accept() finds
// none: released first, so that what handles the shortage has some to work
// with (the sanitizers' checks, for one, open a pipe), and held again
// before the next accept. Not thread-safe.
class DescriptorReserve {
 public:
  DescriptorReserve() = default;
  ~DescriptorReserve() { Release(); }
  DescriptorReserve(const DescriptorReserve&) = delete;
  DescriptorReserve& operator=(const DescriptorReserve&) = delete;

  // Opens what is not held yet; what cannot be opened now is tried again
  // next time.
  void Hold();
  void Release();

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace dc::http
