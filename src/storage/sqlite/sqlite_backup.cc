// SqliteStore::BackupTo: a backup while the server runs. A reading is
// acknowledged once it is in the ingest log, and reaches the tables only at
// a later merge, which then deletes its log segment; so a copy of the
// tables alone would miss the newest readings. The backup takes both, as of
// one moment: holding the write lock, so that no merge commits meanwhile,
// it opens every segment that exists and pins a read snapshot of the
// tables; then it lets go (a few milliseconds) and copies at leisure: an
// open segment reads whole even if the merge deletes it. Segments deleted
// before the lock was taken were merged before it, so their readings are
// in the snapshot; segments opened may also be merged in the snapshot
// (their merge committed, their deletion had not happened yet), and
// replaying them is harmless because a merge is idempotent (a crash
// between a merge's commit and the segment's deletion leaves the same
// state). The open segment may grow after the snapshot: what it gains is
// newer than anything merged, so the copy is still the state of one moment,
// a little later. The copies of tables and segments are then opened as a
// store, which merges the log as it would after a crash, checked, made a
// single rollback-journal file, synced and renamed into place.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "storage/sqlite/database_file.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

// An open segment of the live log, closed on destruction.
class OpenSegmentFile {
 public:
  OpenSegmentFile(uint64_t number, int fd) : number_(number), fd_(fd) {}
  OpenSegmentFile(OpenSegmentFile&& other) noexcept
      : number_(other.number_), fd_(std::exchange(other.fd_, -1)) {}
  OpenSegmentFile& operator=(OpenSegmentFile&&) = delete;
  OpenSegmentFile(const OpenSegmentFile&) = delete;
  OpenSegmentFile& operator=(const OpenSegmentFile&) = delete;
  ~OpenSegmentFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  uint64_t number() const { return number_; }
  int fd() const { return fd_; }

 private:
  uint64_t number_;
  int fd_;
};

// Removes a half-built backup and everything beside it, unless released.
class TempDatabase {
 public:
  explicit TempDatabase(std::string path) : path_(std::move(path)) {}
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;
  ~TempDatabase() {
    if (!released_) RemoveDatabaseFiles(path_);
  }
  const std::string& path() const { return path_; }
  void Release() { released_ = true; }

 private:
  std::string path_;
  bool released_ = false;
};

Status CopyFd(int fd, const std::string& to) {
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return Status::Unavailable("cannot create " + to + ": " + std::strerror(errno));
  char chunk[1 << 16];
  off_t offset = 0;
  while (true) {
    const ssize_t n = ::pread(fd, chunk, sizeof chunk, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) break;
    if (n < 0 || ::write(out, chunk, static_cast<size_t>(n)) != n) {
      const int error = errno;
      ::close(out);
      return Status::Unavailable("cannot copy the ingest log to " + to + ": " +
                                 std::strerror(error));
    }
    offset += n;
  }
  ::close(out);
  return Status::Ok();
}

// Opens the copy as a store, which merges the copied log into its tables
// (RecoverLog), and closes it again.
Status MergeCopiedLog(const std::string& path) {
  Result<std::unique_ptr<SqliteStore>> copy =
      SqliteStore::Open(path, StoreOptions{.sync = SyncMode::kFull, .write_readings = true});
  if (!copy) return copy.error();
  return (*copy)->Flush();
}

// The finished copy: sound, counted, and one file (journal_mode=DELETE
// checkpoints and removes the -wal; the server turns WAL on again when it
// opens a restored file).
Result<int64_t> Finish(const std::string& path) {
  Result<SqliteHandle> db = OpenDatabaseFile(path, FileAccess::kReadWrite);
  if (!db) return db.error();
  DC_RETURN_IF_ERROR(CheckIntegrity(db->get(), path));
  Result<int64_t> readings = CountStoredReadings(db->get());
  if (!readings) return readings.error();
  Result<Statement> journal = Statement::Prepare(db->get(), "PRAGMA journal_mode=DELETE");
  if (!journal) return journal.error();
  Result<bool> row = journal->Step("leaving WAL mode in the backup");
  if (!row) return row.error();
  if (!*row || journal->ColumnText(0) != "delete") {
    return Status::Internal("could not leave WAL mode in the backup '" + path + "'");
  }
  return readings;
}

}  // namespace

Result<BackupSummary> SqliteStore::BackupTo(const std::string& path, bool overwrite) {
  if (path.empty()) return Status::InvalidArgument("the backup path is empty");
  if (!overwrite && FileExists(path)) {
    return Status::Conflict("'" + path + "' exists; refusing to overwrite it (use --force)");
  }
  TempDatabase temp(TempPathBeside(path));
  std::vector<OpenSegmentFile> segments;
  {
    Result<ReaderPool::Lease> reader = readers_->Borrow();
    if (!reader) return reader.error();
    sqlite3* snapshot_db = (*reader)->connection().get();
    Result<Transaction> snapshot = Transaction::Begin(snapshot_db, TransactionKind::kRead);
    if (!snapshot) return snapshot.error();
    {
      std::lock_guard<std::mutex> lock(writer_mu_);
      Result<Transaction> hold =
          Transaction::Begin(writer_.connection.get(), TransactionKind::kWrite);
      if (!hold) return hold.error();
      Result<std::vector<uint64_t>> numbers = IngestLog::ListSegments(path_);
      if (!numbers) return numbers.error();
      for (uint64_t number : *numbers) {
        const std::string segment = IngestLog::SegmentPathOf(path_, number);
        const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
          segments.emplace_back(number, fd);
        } else if (errno != ENOENT) {  // ENOENT: merged before the lock
          return Status::Unavailable("cannot open " + segment + ": " + std::strerror(errno));
        }
      }
      // A deferred transaction takes its snapshot at its first read, which
      // must be now, while no merge can commit.
      Result<Statement> pin = Statement::Prepare(snapshot_db, "SELECT count(*) FROM meta");
      if (!pin) return pin.error();
      Result<bool> row = pin->Step("starting the backup's snapshot");
      if (!row) return row.error();
    }  // the write transaction ends here, unused: merges go on
    DC_RETURN_IF_ERROR(CopyDatabase(snapshot_db, temp.path()));
    DC_RETURN_IF_ERROR(snapshot->Commit());
  }
  for (const OpenSegmentFile& segment : segments) {
    DC_RETURN_IF_ERROR(
        CopyFd(segment.fd(), IngestLog::SegmentPathOf(temp.path(), segment.number())));
  }
  segments.clear();
  DC_RETURN_IF_ERROR(MergeCopiedLog(temp.path()));
  Result<int64_t> readings = Finish(temp.path());
  if (!readings) return readings.error();
  ::unlink((temp.path() + "-ingest.lock").c_str());  // all that is left of the copied log
  DC_RETURN_IF_ERROR(SyncFile(temp.path()));
  Result<int64_t> bytes = FileSize(temp.path());
  if (!bytes) return bytes.error();
  DC_RETURN_IF_ERROR(InstallFile(temp.path(), path, overwrite));
  temp.Release();
  return BackupSummary{.bytes = *bytes, .readings = *readings};
}

}  // namespace dc::sqlite
