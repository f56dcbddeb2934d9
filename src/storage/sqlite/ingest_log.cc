#include "storage/sqlite/ingest_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "metrics/histogram.h"
#include "storage/sqlite/file_util.h"

namespace dc::sqlite {
namespace {

// The segment number in a directory entry named PREFIX.N, or 0.
uint64_t SegmentNumber(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() + 1 || name.substr(0, prefix.size()) != prefix ||
      name[prefix.size()] != '.') {
    return 0;
  }
  uint64_t number = 0;
  for (char c : name.substr(prefix.size() + 1)) {
    if (c < '0' || c > '9' || number > (UINT64_MAX - 9) / 10) return 0;
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  return number;
}

Result<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + ErrorText(errno));
  std::string bytes;
  char chunk[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Status::Unavailable("cannot read " + path + ": " + ErrorText(error));
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace

Result<std::unique_ptr<IngestLog>> IngestLog::Open(const std::string& db_path, SyncMode sync,
                                                   std::chrono::milliseconds wait,
                                                   metrics::Histogram* sync_seconds) {
  std::unique_ptr<IngestLog> log(new IngestLog());
  log->sync_ = sync;
  log->sync_seconds_ = sync_seconds;
  log->prefix_ = db_path + "-ingest";
  log->lock_path_ = log->prefix_ + ".lock";
  log->lock_fd_ = ::open(log->lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log->lock_fd_ < 0) {
    return Status::Unavailable("cannot open " + log->lock_path_ + ": " + ErrorText(errno));
  }
  // Two processes appending to one log would interleave their records and
  // give out the same reading ids.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return Status::Unavailable("cannot lock " + log->lock_path_ + ": " + ErrorText(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("another process is writing readings to this database (it holds " +
                                 log->lock_path_ + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  const std::string directory = DirectoryOf(db_path);
  log->dir_fd_ = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (log->dir_fd_ < 0) {
    return Status::Unavailable("cannot open directory " + directory + ": " + ErrorText(errno));
  }
  Result<std::vector<uint64_t>> found = ListSegments(db_path);
  if (!found) return found.error();
  log->found_ = std::move(*found);
  log->segment_number_ = log->found_.empty() ? 0 : log->found_.back();
  log->removed_up_to_ = log->found_.empty() ? 0 : log->found_.front() - 1;
  return log;
}

Result<std::vector<uint64_t>> IngestLog::ListSegments(const std::string& db_path) {
  const std::string directory = DirectoryOf(db_path);
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) {
    return Status::Unavailable("cannot list directory " + directory + ": " + ErrorText(errno));
  }
  std::vector<uint64_t> found;
  const std::string base = BaseName(db_path + "-ingest");
  while (const dirent* entry = ::readdir(dir)) {
    const uint64_t number = SegmentNumber(entry->d_name, base);
    if (number != 0) found.push_back(number);
  }
  ::closedir(dir);
  std::sort(found.begin(), found.end());
  return found;
}

std::string IngestLog::SegmentPathOf(const std::string& db_path, uint64_t number) {
  return db_path + "-ingest." + std::to_string(number);
}

IngestLog::~IngestLog() {
  if (segment_fd_ >= 0) ::close(segment_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

uint64_t IngestLog::SegmentBytes(const std::string& db_path) {
  const std::string directory = DirectoryOf(db_path);
  const std::string base = BaseName(db_path + "-ingest");
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return 0;
  uint64_t bytes = 0;
  while (const dirent* entry = ::readdir(dir)) {
    struct stat info {};
    if (SegmentNumber(entry->d_name, base) != 0 &&
        ::fstatat(::dirfd(dir), entry->d_name, &info, 0) == 0) {
      bytes += static_cast<uint64_t>(info.st_size);
    }
  }
  ::closedir(dir);
  return bytes;
}

std::string IngestLog::SegmentPath(uint64_t number) const {
  return prefix_ + "." + std::to_string(number);  // SegmentPathOf(db_path, number)
}

Result<std::vector<LoggedGroup>> IngestLog::ReadAll() {
  std::vector<LoggedGroup> groups;
  for (uint64_t number : found_) {
    Result<std::string> bytes = ReadFile(SegmentPath(number));
    if (!bytes) return bytes.error();
    // A torn record ends what a segment holds; later segments were written
    // after it, so they are read on.
    ReadLogRecords(*bytes, groups);
  }
  return groups;
}

Status IngestLog::OpenSegment() {
  const uint64_t number = segment_number_ + 1;
  const std::string path = SegmentPath(number);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("cannot create " + path + ": " + ErrorText(errno));
  // The new name must be as durable as the records fsynced into the file.
  if (sync_ == SyncMode::kFull && ::fsync(dir_fd_) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return Status::Unavailable("cannot sync the directory of " + path + ": " + ErrorText(error));
  }
  segment_fd_ = fd;
  segment_number_ = number;
  segment_size_ = 0;
  prepared_ = 0;
  return Status::Ok();
}

Status IngestLog::Undo(const std::string& what, int error) {
  // Cut the segment back to its last whole record: bytes of an upload that
  // was refused must never be replayed, even if they reached the disk.
  if (::ftruncate(segment_fd_, static_cast<off_t>(segment_size_)) != 0 ||
      (sync_ == SyncMode::kFull && ::fdatasync(segment_fd_) != 0)) {
    // The refused record may stay at the segment's end, and recovery would
    // replay it: the one way a refused upload could be stored, needing the
    // write or sync and then the cut to fail. At least nothing acknowledged
    // is appended after it: the next append starts a new segment.
    ::close(segment_fd_);
    segment_fd_ = -1;
  }
  prepared_ = segment_size_;
  return Status::Unavailable(what + " " + SegmentPath(segment_number_) + ": " + ErrorText(error));
}

void IngestLog::Prepare(uint64_t end) {
  static const std::string zeros(64 * 1024, '\0');
  const uint64_t target = end + kPrepareAhead;
  while (prepared_ < target) {
    const ssize_t n =
        ::pwrite(segment_fd_, zeros.data(), std::min<uint64_t>(zeros.size(), target - prepared_),
                 static_cast<off_t>(prepared_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // no room: records then extend the file as they come
    prepared_ += static_cast<uint64_t>(n);
  }
}

Status IngestLog::Append(std::string_view record) {
  if (segment_fd_ < 0) DC_RETURN_IF_ERROR(OpenSegment());
  if (segment_size_ + record.size() > prepared_) Prepare(segment_size_ + record.size());
  size_t written = 0;
  while (written < record.size()) {
    const ssize_t n = ::pwrite(segment_fd_, record.data() + written, record.size() - written,
                               static_cast<off_t>(segment_size_ + written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Undo("cannot write", n < 0 ? errno : ENOSPC);
    written += static_cast<size_t>(n);
  }
  if (sync_ == SyncMode::kFull) {
    const auto start = std::chrono::steady_clock::now();
    if (::fdatasync(segment_fd_) != 0) return Undo("cannot sync", errno);
    if (sync_seconds_ != nullptr) {
      sync_seconds_->ObserveDuration(std::chrono::steady_clock::now() - start);
    }
  }
  segment_size_ += record.size();
  return Status::Ok();
}

uint64_t IngestLog::Rotate() {
  if (segment_fd_ >= 0) {
    ::close(segment_fd_);
    segment_fd_ = -1;
  }
  return segment_number_;
}

void IngestLog::RemoveUpTo(uint64_t last) {
  for (uint64_t number = removed_up_to_ + 1; number <= last; ++number) {
    ::unlink(SegmentPath(number).c_str());  // absent numbers were never created
  }
  removed_up_to_ = std::max(removed_up_to_, last);
}

}  // namespace dc::sqlite
