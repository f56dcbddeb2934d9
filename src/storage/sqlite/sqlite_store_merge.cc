// SqliteStore: merging the ingest log into the tables. One thread merges
// everything unmerged in one transaction: readings sorted by (input,
// timestamp), so each input's blocks (block_merge.h) and hour_stats rows
// are rewritten once per merge instead of once per upload. Merges are idempotent
// (a reading carries its id; a replayed one replaces itself), so a crash
// between a merge's commit and the removal of its segments is harmless.
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

// How long a read waits for the merge of what it must see before it gives
// up with Unavailable (the merge is failing, e.g. on a full disk).
constexpr auto kReadWaitLimit = std::chrono::seconds(5);
constexpr auto kFirstRetry = std::chrono::milliseconds(10);
constexpr auto kLastRetry = std::chrono::seconds(1);
// After merging this many readings at once, the memory that held them is
// handed back to the system: a bulk load would otherwise leave the server
// at its peak size (glibc keeps freed memory in its arenas).
constexpr size_t kTrimAfterReadings = 100'000;

struct Row {
  int64_t input_pk;
  const Reading* reading;
  int64_t id;
};

}  // namespace

Status SqliteStore::ApplyGroups(const std::vector<LoggedGroup>& groups) {
  std::vector<Row> rows;
  rows.reserve(ReadingsIn(groups));
  int64_t max_id = 0;
  for (const LoggedGroup& group : groups) {
    for (size_t b = 0; b < group.batches.size(); ++b) {
      const IngestBatch& batch = group.batches[b];
      for (size_t r = 0; r < batch.readings.size(); ++r) {
        rows.push_back(Row{batch.input_pk, &batch.readings[r], group.ids[b][r]});
        max_id = std::max(max_id, group.ids[b][r]);
      }
    }
  }
  // Stable: of two readings at one key the later upload comes last and
  // wins, as it would have without the log.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    if (x.input_pk != y.input_pk) return x.input_pk < y.input_pk;
    return x.reading->timestamp.micros < y.reading->timestamp.micros;
  });

  std::lock_guard<std::mutex> lock(writer_mu_);
  Writer& w = writer_;
  Result<Transaction> transaction = Transaction::Begin(w.connection.get(), TransactionKind::kWrite);
  if (!transaction) return transaction.error();
  storage::HourRollup hour_changes;
  const BlockMerger::Statements block_statements{.spans = w.block_spans,
                                                 .read = w.read_block,
                                                 .remove = w.delete_block,
                                                 .insert = w.insert_block};
  std::vector<StoredReading>& run = w.merger.run();
  for (size_t start = 0; start < rows.size();) {
    const int64_t input_pk = rows[start].input_pk;
    run.clear();
    size_t end = start;
    for (; end < rows.size() && rows[end].input_pk == input_pk; ++end) {
      // Of readings at one timestamp, the last (the later upload) is kept.
      if (!run.empty() &&
          run.back().reading.timestamp.micros == rows[end].reading->timestamp.micros) {
        run.pop_back();
      }
      run.push_back(StoredReading{.id = rows[end].id, .reading = *rows[end].reading});
    }
    DC_RETURN_IF_ERROR(w.merger.Merge(block_statements, input_pk, run, hour_changes));
    start = end;
  }
  // After every block is written, so that a recomputed hour sees them all.
  DC_RETURN_IF_ERROR(ApplyHourRollup(hour_changes, w.upsert_hour_stats, w.replace_hour_stats,
                                     [&](int64_t input_pk, int64_t first, int64_t last) {
                                       return AggregateStored(w.read_blocks, input_pk, first, last);
                                     }));
  {
    // Ids are never reused, even those of readings replaced since.
    StatementResetter reset(w.raise_next_reading_id);
    w.raise_next_reading_id.BindInt64(1, max_id + 1);
    DC_RETURN_IF_ERROR(w.raise_next_reading_id.Run("saving next_reading_id"));
  }
  return transaction->Commit();
}

Status SqliteStore::RecoverLog() {
  std::lock_guard<std::mutex> lock(ingest_mu_);
  Appender& a = appender_;
  Result<std::vector<LoggedGroup>> left = a.log->ReadAll();
  if (!left) return left.error();
  if (!left->empty()) {
    DC_RETURN_IF_ERROR(ApplyGroups(*left));
    spdlog::info("merged {} readings the ingest log held after an unclean stop", ReadingsIn(*left));
  }
  a.log->RemoveUpTo(a.log->Rotate());

  std::lock_guard<std::mutex> writer_lock(writer_mu_);
  Result<Statement> next =
      writer_.connection.Prepare("SELECT value FROM meta WHERE key = 'next_reading_id'");
  if (!next) return next.error();
  Result<bool> row = next->Step("reading next_reading_id");
  if (!row) return row.error();
  if (!*row) return Status::Internal("the meta row 'next_reading_id' is missing");
  a.next_id = next->ColumnInt64(0);
  return Status::Ok();
}

void SqliteStore::StartMerging() {
  merge_thread_ = std::thread([this] { MergeLoop(); });
}

void SqliteStore::StopMerging() {
  {
    std::lock_guard<std::mutex> lock(merge_mu_);
    stopping_ = true;
  }
  merge_wake_.notify_one();
  merged_.notify_all();
  if (merge_thread_.joinable()) merge_thread_.join();
}

std::chrono::steady_clock::time_point SqliteStore::TimedMergeDue() const {
  return std::min(last_append_ + merge_idle_, unmerged_.oldest() + merge_max_delay_);
}

bool SqliteStore::MergeDue(std::chrono::steady_clock::time_point now) const {
  return merge_wanted_ > merged_seq_.load() || unmerged_.held_readings() >= kMergeReadings ||
         now >= TimedMergeDue();
}

void SqliteStore::MergeLoop() {
  std::unique_lock lock(merge_mu_);
  auto retry = std::chrono::milliseconds(kFirstRetry);
  while (true) {
    if (unmerged_.empty()) {
      if (stopping_) return;
      merge_wake_.wait(lock);
      continue;
    }
    if (!stopping_ && !MergeDue(std::chrono::steady_clock::now())) {
      merge_wake_.wait_until(lock, TimedMergeDue());
      continue;
    }
    lock.unlock();
    const Status merged = MergeOnce();
    lock.lock();
    if (merged.ok()) {
      retry = kFirstRetry;
      continue;
    }
    merge_failure_ = merged;
    ++merge_failures_;
    merge_failing_ = true;
    merged_.notify_all();  // readers waiting for this merge give up
    spdlog::warn(
        "merging acknowledged readings failed (retrying in {} ms; they are safe in the "
        "ingest log): {}",
        retry.count(), merged.detail());
    // On the way out, the log keeps them for the next start.
    if (stopping_) return;
    merge_wake_.wait_for(lock, retry, [this] { return stopping_; });
    retry = std::min<std::chrono::milliseconds>(retry * 2, kLastRetry);
  }
}

Status SqliteStore::MergeOnce() {
  std::vector<LoggedGroup> groups;
  uint64_t last_segment = 0;
  {
    // Under ingest_mu_, no append is half done: the segments closed here
    // hold exactly the groups taken (and older, merged ones).
    std::lock_guard<std::mutex> ingest_lock(ingest_mu_);
    {
      std::lock_guard<std::mutex> lock(merge_mu_);
      groups = unmerged_.TakeAll();
    }
    last_segment = appender_.log->Rotate();
  }
  if (groups.empty()) return Status::Ok();
  Status applied = ApplyGroups(groups);
  if (!applied.ok()) {
    std::lock_guard<std::mutex> lock(merge_mu_);
    unmerged_.PutBack(std::move(groups));
    return applied;
  }
  // Only closed segments, which no append touches any more.
  appender_.log->RemoveUpTo(last_segment);
  {
    std::lock_guard<std::mutex> lock(merge_mu_);
    unmerged_.Forget(groups);
    merged_seq_.store(groups.back().seq, std::memory_order_release);
    merge_failing_ = false;
  }
  merged_.notify_all();
  if (ReadingsIn(groups) >= kTrimAfterReadings) {
    groups = {};
    {
      std::lock_guard<std::mutex> lock(writer_mu_);
      writer_.merger.ReleaseScratch();
    }
    malloc_trim(0);
  }
  return Status::Ok();
}

Status SqliteStore::AwaitMerged(std::optional<int64_t> input_pk) {
  const uint64_t target = appended_seq_.load(std::memory_order_acquire);
  if (merged_seq_.load(std::memory_order_acquire) >= target) return Status::Ok();
  std::unique_lock lock(merge_mu_);
  // Later uploads are not waited for: a read of an input written without
  // pause still ends.
  auto done = [&] {
    return merged_seq_.load() >= target || (input_pk && !unmerged_.Holds(*input_pk));
  };
  if (done()) return Status::Ok();
  merge_wanted_ = std::max(merge_wanted_, target);
  merge_wake_.notify_one();
  const uint64_t failures = merge_failures_;
  const auto deadline = std::chrono::steady_clock::now() + kReadWaitLimit;
  while (!done()) {
    if (merge_failures_ != failures || stopping_ ||
        merged_.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (done()) break;
      return Status::Unavailable(
          "acknowledged readings are not merged yet: " +
          (merge_failure_.ok() ? std::string("the merge is slow") : merge_failure_.detail()));
    }
  }
  return Status::Ok();
}

Status SqliteStore::Flush() { return AwaitMerged(std::nullopt); }

}  // namespace dc::sqlite
