#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/ingest_log_record.h"
#include "storage/store_options.h"

namespace dc::sqlite {

// IngestLog is the append-only file where SqliteStore makes readings
// durable before they are merged into the tables (sqlite_store_merge.cc).
// Appending a small record and fsyncing it is far cheaper than committing
// the same readings to clustered b-trees, where every reading dirties its
// own pages; the merge then writes many readings per page.
//
// On disk, beside the database file DB: `DB-ingest.lock`, held with flock()
// by the one process that writes readings, and segments `DB-ingest.N`
// (N = 1, 2, ...). Appends go to the newest segment; Rotate() closes it once
// its records are taken for a merge, and the merge removes it once they are
// committed. A segment is created at its first append, so no segment file
// exists exactly when every acknowledged reading is in the tables.
//
// Thread-compatible: Append() and Rotate() must be serialised by the caller;
// RemoveUpTo() touches closed segments only and may run beside them on one
// other thread.
//
// Errors: Unavailable when the lock is held by another process past `wait`,
// or when a file cannot be written (disk full, I/O error); nothing of a
// failed Append() remains in the segment.
class IngestLog {
 public:
  // Each fsync's duration goes to `sync_seconds` when it is not null (it
  // must outlive the log).
  static Result<std::unique_ptr<IngestLog>> Open(const std::string& db_path, SyncMode sync,
                                                 std::chrono::milliseconds wait,
                                                 metrics::Histogram* sync_seconds = nullptr);
  // The bytes of every segment of the log of the database at `db_path`
  // (file sizes, zeros prepared ahead included). Reads the directory only,
  // so it may run beside every other method, on any thread.
  static uint64_t SegmentBytes(const std::string& db_path);
  // The numbers of the segments beside `db_path`, ascending, and the path
  // of one: for backup and restore, which handle segment files whole.
  // Listing needs no lock; without it, segments may come and go meanwhile.
  static Result<std::vector<uint64_t>> ListSegments(const std::string& db_path);
  static std::string SegmentPathOf(const std::string& db_path, uint64_t number);
  ~IngestLog();
  IngestLog(const IngestLog&) = delete;
  IngestLog& operator=(const IngestLog&) = delete;

  // Every whole record of every segment, oldest first: what a crash left
  // unmerged. Call before the first Append().
  Result<std::vector<LoggedGroup>> ReadAll();
  // Appends `record` (AppendLogRecord()) and, with SyncMode::kFull, fsyncs
  // it: on success the record survives a crash of the machine.
  Status Append(std::string_view record);
  // Closes the current segment; later appends start a new one. Returns the
  // number of the newest closed segment (0 if none exists).
  uint64_t Rotate();
  // Deletes segments 1..last that still exist.
  void RemoveUpTo(uint64_t last);

 private:
  IngestLog() = default;
  std::string SegmentPath(uint64_t number) const;
  Status OpenSegment();
  Status Undo(const std::string& what, int error);
  // Writes zeros from prepared_ to kPrepareAhead past `end`, so that records
  // overwrite blocks the file already has: fdatasync then writes the data
  // alone, without the inode for a new size (on ext4 a further disk write,
  // in series, for every sync).
  void Prepare(uint64_t end);
  static constexpr uint64_t kPrepareAhead = 1 << 20;

  SyncMode sync_ = SyncMode::kFull;
  metrics::Histogram* sync_seconds_ = nullptr;  // borrowed; may be null
  std::string prefix_;                          // DB-ingest
  std::string lock_path_;
  int lock_fd_ = -1;
  int dir_fd_ = -1;
  int segment_fd_ = -1;          // -1 between Rotate() and the next Append()
  uint64_t segment_number_ = 0;  // the open segment's, or the last closed one's
  uint64_t segment_size_ = 0;
  uint64_t prepared_ = 0;  // the open segment's file size: zeros after its records
  uint64_t removed_up_to_ = 0;
  std::vector<uint64_t> found_;  // segments present at Open(), ascending
};

}  // namespace dc::sqlite
