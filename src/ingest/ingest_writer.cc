#include "ingest/ingest_writer.h"

#include <algorithm>
#include <chrono>

#include "storage/storage_failure.h"

namespace dc {

IngestWriter::IngestWriter(Store& store, IngestOptions options) : store_(store), options_(options) {
  for (int i = 0; i < std::max(store_.ConcurrentWriters(), 1); ++i) {
    threads_.emplace_back([this] { Loop(); });
  }
}

IngestWriter::~IngestWriter() { Stop(); }

void IngestWriter::Submit(IngestBatch batch, Done done) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    return done(Status::Unavailable("the server is shutting down"));
  }
  if (queued_readings_ + batch.readings.size() > options_.max_pending_readings && !queue_.empty()) {
    lock.unlock();
    return done(Status::Unavailable("too many uploads waiting to be stored; retry shortly"));
  }
  queued_readings_ += batch.readings.size();
  queue_.push_back(Pending{std::move(batch), std::move(done)});
  lock.unlock();
  wake_.notify_one();
}

void IngestWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

IngestWriter::Stats IngestWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

size_t IngestWriter::queued_readings() const {
  std::lock_guard lock(mutex_);
  return queued_readings_;
}

void IngestWriter::Loop() {
  std::vector<Pending> group;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      // Take whole uploads up to the per-commit cap, always at least one.
      size_t readings = 0;
      while (!queue_.empty() && (group.empty() || readings + queue_.front().batch.readings.size() <=
                                                      options_.max_readings_per_commit)) {
        readings += queue_.front().batch.readings.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_readings_ -= readings;
    }
    CommitGuarded(group);
    group.clear();
  }
}

// The writer loop's catch point: a commit that throws (std::bad_alloc, a
// library's exception) answers its uploads 503, which stored nothing a
// client was told of, and the loop goes on with the next uploads.
void IngestWriter::CommitGuarded(std::vector<Pending>& group) {
  std::string what;
  try {
    Commit(group);
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception of unknown type";
  }
  const Status for_client = ReportStorageFailure(Status::Unavailable("the commit failed: " + what),
                                                 "nothing of this upload was stored");
  if (options_.metrics != nullptr) options_.metrics->failures.Increment(group.size());
  for (Pending& p : group) Answer(p, for_client);
}

// Each upload is answered once: `done` is taken out before it is called,
// so after a throw CommitGuarded answers exactly those not yet answered.
void IngestWriter::Answer(Pending& pending, Result<std::vector<int64_t>> ids) {
  Done done = std::move(pending.done);
  pending.done = nullptr;
  if (!done) return;
  try {
    done(std::move(ids));
  } catch (...) {
    // Out of memory handing the answer over: the loop must go on.
  }
}

void IngestWriter::Commit(std::span<Pending> group) {
  std::vector<const IngestBatch*> batches;
  batches.reserve(group.size());
  size_t readings = 0;
  for (const Pending& p : group) {
    batches.push_back(&p.batch);
    readings += p.batch.readings.size();
  }
  const auto start = std::chrono::steady_clock::now();
  auto ids = store_.WriteBatches(batches);
  if (ids) {
    if (metrics::IngestMetrics* m = options_.metrics) {
      m->commit_seconds.ObserveDuration(std::chrono::steady_clock::now() - start);
      m->commit_readings.Observe(static_cast<double>(readings));
      m->commits.Increment();
      m->readings_stored.Increment(readings);
    }
    {
      std::lock_guard lock(mutex_);
      stats_.commits += 1;
      stats_.readings += readings;
    }
    for (size_t i = 0; i < group.size(); ++i) Answer(group[i], std::move((*ids)[i]));
    return;
  }
  // A batch the store rejects on its own merits (not a storage failure) must
  // not fail the uploads it happened to share a transaction with.
  if (group.size() > 1 && !ids.error().IsUnavailable()) {
    for (Pending& p : group) Commit(std::span<Pending>(&p, 1));
    return;
  }
  const Status for_client = ReportStorageFailure(ids.error(), "nothing of this upload was stored");
  if (options_.metrics != nullptr) options_.metrics->failures.Increment(group.size());
  for (Pending& p : group) Answer(p, for_client);
}

}  // namespace dc
