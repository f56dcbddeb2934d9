// SqliteStore: what the operator's probes ask, readiness (/readyz) and the
// size of the files (/metrics).
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "storage/sqlite/sqlite_store.h"

namespace dc::sqlite {
namespace {

// An append that failed leaves the store unready until the file system has
// at least this much room again: a new segment of the ingest log and its
// zeros prepared ahead. Without it, a server taken out of rotation by its
// readiness would get no upload to find out that room was freed.
constexpr uint64_t kRoomAfterFailedAppend = 2 << 20;

uint64_t FileBytes(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Free bytes for an unprivileged writer where `path` lives; 0 if unknown.
uint64_t FreeBytes(const std::string& path) {
  struct statvfs info {};
  if (::statvfs(DirectoryOf(path).c_str(), &info) != 0) return 0;
  return static_cast<uint64_t>(info.f_bavail) * static_cast<uint64_t>(info.f_frsize);
}

}  // namespace

Status SqliteStore::CheckReady() {
  // The details below are all a client sees: the full failure (with file
  // names) was logged where it happened.
  if (Result<int64_t> version = CatalogVersion(); !version) {
    return Status::Unavailable("the database cannot be read (I/O error or locked)");
  }
  {
    std::lock_guard<std::mutex> lock(merge_mu_);
    if (merge_failing_) {
      return Status::Unavailable(
          "the disk is full or failing: readings cannot be merged into the database");
    }
  }
  if (append_failing_.load(std::memory_order_relaxed) &&
      FreeBytes(path_) < kRoomAfterFailedAppend) {
    return Status::Unavailable("the disk is full or failing: readings cannot be made durable");
  }
  return Status::Ok();
}

uint64_t SqliteStore::SizeOnDisk() {
  return FileBytes(path_) + FileBytes(path_ + "-wal") + IngestLog::SegmentBytes(path_);
}

}  // namespace dc::sqlite
