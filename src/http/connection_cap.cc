#include "http/connection_cap.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace dc::http {

ConnectionCap CapConnections(uint64_t file_limit, size_t open_now, size_t max_refused_lingering,
                             size_t max_connections) {
  ConnectionCap cap;
  cap.file_limit = file_limit;
  cap.reserved = open_now + kLaterDescriptors + max_refused_lingering;
  if (file_limit == 0) {
    cap.connections = max_connections;
    return cap;
  }
  const uint64_t room = file_limit > cap.reserved ? file_limit - cap.reserved : 0;
  cap.connections = static_cast<size_t>(std::min<uint64_t>(max_connections, room));
  return cap;
}

Status CheckRoomForConnections(const ConnectionCap& cap, size_t max_connections) {
  const size_t needed = std::min(max_connections, kMinimumConnections);
  if (cap.connections >= needed) return Status::Ok();
  return Status::InvalidArgument(
      "the open-file limit (ulimit -n, systemd's LimitNOFILE=) is " +
      std::to_string(cap.file_limit) + ": with " + std::to_string(cap.reserved) +
      " descriptors kept for the store, the logs and refused connections it leaves room for " +
      std::to_string(cap.connections) + " connections; raise it to at least " +
      std::to_string(cap.reserved + needed));
}

uint64_t CurrentFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return limit.rlim_cur;
}

size_t OpenDescriptors() {
  size_t count = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  // Less the one the iterator itself held open.
  return count > 0 ? count - 1 : 0;
}

void DescriptorReserve::Hold() {
  for (int& fd : fds_) {
    if (fd < 0) fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
}

void DescriptorReserve::Release() {
  for (int& fd : fds_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

ConnectionCap CapConnectionsForThisProcess(size_t max_refused_lingering, size_t max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  return CapConnections(CurrentFileLimit(), OpenDescriptors(), max_refused_lingering,
                        max_connections);
}

}  // namespace dc::http
