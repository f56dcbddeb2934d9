#include "storage/storage_failure.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <string>

namespace dc {

Status ReportStorageFailure(const Status& failure, std::string_view consequence) {
  static std::atomic<int64_t> last_logged_second{0};
  static std::atomic<uint64_t> not_logged{0};
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_logged_second.load();
  if (now != last && last_logged_second.compare_exchange_strong(last, now)) {
    spdlog::warn("storage failure: {} ({} more not logged)", failure.detail(),
                 not_logged.exchange(0));
  } else {
    not_logged.fetch_add(1);
  }
  std::string detail(consequence);
  if (failure.IsUnavailable()) {
    return Status::Unavailable(detail +
                               ": the storage cannot write or read right now (disk full or I/O "
                               "error); retry later");
  }
  return Status::Internal(detail + ": internal storage error");
}

}  // namespace dc
