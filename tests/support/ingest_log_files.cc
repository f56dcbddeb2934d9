#include "support/ingest_log_files.h"

#include <filesystem>
#include <thread>

namespace dc::testing {

bool IngestLogHasSegments(const std::string& db_path) {
  const std::filesystem::path db(db_path);
  const std::string prefix = db.filename().string() + "-ingest.";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           db.has_parent_path() ? db.parent_path() : std::filesystem::path("."), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
      return true;
    }
  }
  return false;
}

bool WaitUntilMerged(const std::string& db_path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (IngestLogHasSegments(db_path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace dc::testing
