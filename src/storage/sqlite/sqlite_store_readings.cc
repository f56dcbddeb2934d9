// SqliteStore: readings. WriteBatches is the hot path (group commit of many
// uploads): it gives each reading its id and appends the group to the
// ingest log; sqlite_store_merge.cc writes them into the tables later.
// FindReading and CountReadings are here too.
#include <limits>
#include <string>
#include <unordered_map>

#include "storage/core/batch_rules.h"
#include "storage/sqlite/block_table.h"
#include "storage/sqlite/ingest_log_record.h"
#include "storage/sqlite/sqlite_store.h"

namespace dc::sqlite {

Result<std::vector<std::vector<int64_t>>> SqliteStore::WriteBatches(
    std::span<const IngestBatch* const> batches) {
  DC_RETURN_IF_ERROR(storage::CheckBatches(batches));
  std::vector<std::vector<int64_t>> ids(batches.size());
  if (batches.empty()) return ids;
  {
    // Before ingest_mu_, which the merge needs to make room.
    std::unique_lock lock(merge_mu_);
    const bool room = merged_.wait_for(lock, std::chrono::seconds(10), [this] {
      return stopping_ || unmerged_.unmerged_readings() < kMaxUnmergedReadings;
    });
    if (stopping_) return Status::Unavailable("the store is closing");
    // What cannot be merged is not taken on: it would be acknowledged but
    // unreadable until the merge succeeds.
    if (merge_failing_) {
      return Status::Unavailable("readings cannot be merged into the database: " +
                                 merge_failure_.detail());
    }
    if (!room) {
      return Status::Unavailable(
          "readings arrive faster than they can be merged into the database; retry shortly");
    }
  }

  std::lock_guard<std::mutex> lock(ingest_mu_);
  Appender& a = appender_;
  if (a.log == nullptr) {
    return Status::Unavailable("this process opened the database for its catalog only");
  }
  // The log has no foreign key either: unknown inputs are refused here,
  // once per input, before anything is written.
  for (size_t b = 0; b < batches.size(); ++b) {
    const int64_t input_pk = batches[b]->input_pk;
    if (a.known_inputs.contains(input_pk)) continue;
    StatementResetter reset(a.input_exists);
    a.input_exists.BindInt64(1, input_pk);
    Result<bool> exists = a.input_exists.Step("looking up an input");
    if (!exists) return exists.error();
    if (!*exists) {
      return Status::InvalidArgument("batch " + std::to_string(b) + ": no input has pk " +
                                     std::to_string(input_pk));
    }
    a.known_inputs.insert(input_pk);  // inputs are never deleted
  }

  Result<IdAssignment> assigned = AssignIds(batches);
  if (!assigned) return assigned.error();

  const uint64_t seq = a.next_seq;
  a.record.clear();
  AppendLogRecord(seq, batches, assigned->ids, a.record);
  if (Status appended = a.log->Append(a.record); !appended.ok()) {
    append_failing_.store(true, std::memory_order_relaxed);
    return appended;
  }
  append_failing_.store(false, std::memory_order_relaxed);

  // Durable: from here on the readings are the store's.
  a.next_seq = seq + 1;
  a.next_id = assigned->next_id;
  for (const auto& [input_pk, ts] : assigned->newest_ts) a.newest_ts[input_pk] = ts;
  LoggedGroup group{.seq = seq, .batches = {}, .ids = assigned->ids, .readings = 0};
  group.batches.reserve(batches.size());
  for (const IngestBatch* batch : batches) {
    group.readings += batch->readings.size();
    group.batches.push_back(*batch);
  }
  {
    std::lock_guard<std::mutex> merge_lock(merge_mu_);
    const bool was_empty = unmerged_.empty();
    unmerged_.Add(std::move(group));
    last_append_ = std::chrono::steady_clock::now();
    appended_seq_.store(seq, std::memory_order_release);
    if (was_empty || unmerged_.held_readings() >= kMergeReadings) merge_wake_.notify_one();
  }
  return std::move(assigned->ids);
}

Result<SqliteStore::IdAssignment> SqliteStore::AssignIds(
    std::span<const IngestBatch* const> batches) {
  Appender& a = appender_;
  IdAssignment out;
  out.ids.resize(batches.size());
  out.next_id = a.next_id;
  // Keys this call gave an id, indexed only once a reading is not the
  // newest of its input (rare: a replacement or an out-of-order upload), so
  // in-order uploads build no map at all.
  std::unordered_map<ReadingKey, int64_t, ReadingKeyHash> this_call;
  bool indexing = false;
  for (size_t b = 0; b < batches.size(); ++b) {
    const IngestBatch& batch = *batches[b];
    out.ids[b].reserve(batch.readings.size());
    auto newest = out.newest_ts.find(batch.input_pk);
    if (newest == out.newest_ts.end()) {
      auto known = a.newest_ts.find(batch.input_pk);
      int64_t stored = 0;
      if (known != a.newest_ts.end()) {
        stored = known->second;
      } else {
        Result<int64_t> max_ts = NewestStoredTs(batch.input_pk);
        if (!max_ts) return max_ts.error();
        stored = *max_ts;
        a.newest_ts.emplace(batch.input_pk, stored);  // true whatever this call does
      }
      newest = out.newest_ts.emplace(batch.input_pk, stored).first;
    }
    for (size_t r = 0; r < batch.readings.size(); ++r) {
      const int64_t ts = batch.readings[r].timestamp.micros;
      const ReadingKey key{batch.input_pk, ts};
      if (ts > newest->second) {
        newest->second = ts;
        out.ids[b].push_back(out.next_id);
        if (indexing) this_call.emplace(key, out.next_id);
        ++out.next_id;
        continue;
      }
      if (!indexing) {
        for (size_t pb = 0; pb <= b; ++pb) {
          for (size_t pr = 0; pr < out.ids[pb].size(); ++pr) {
            this_call[ReadingKey{batches[pb]->input_pk,
                                 batches[pb]->readings[pr].timestamp.micros}] = out.ids[pb][pr];
          }
        }
        indexing = true;
      }
      std::optional<int64_t> id;
      if (auto it = this_call.find(key); it != this_call.end()) id = it->second;
      if (!id) {
        std::lock_guard<std::mutex> merge_lock(merge_mu_);
        id = unmerged_.FindId(batch.input_pk, ts);
      }
      if (!id) {
        // Not unmerged, so if it exists it is in the tables: a key leaves
        // the unmerged index only after its merge committed, in the same
        // step under merge_mu_ as that merge advances merged_seq_.
        Result<std::optional<int64_t>> found = FindStoredId(batch.input_pk, ts);
        if (!found) return found.error();
        id = *found;
      }
      if (!id) id = out.next_id++;
      this_call[key] = *id;
      out.ids[b].push_back(*id);
    }
  }
  return out;
}

Result<std::optional<int64_t>> SqliteStore::FindStoredId(int64_t input_pk, int64_t ts) {
  Appender& a = appender_;
  const uint64_t merged_seq = merged_seq_.load(std::memory_order_acquire);
  auto known = a.empty_stretch.find(input_pk);
  if (known != a.empty_stretch.end() && known->second.merged_seq == merged_seq) {
    const KeyLookup& empty = known->second.bounds;
    if ((!empty.below || ts > *empty.below) && (!empty.above || ts < *empty.above)) {
      return std::optional<int64_t>();
    }
  }
  Result<KeyLookup> found = LookUpStoredKey(a.read_blocks, input_pk, ts);
  if (!found) return found.error();
  if (found->id) return found->id;
  a.empty_stretch[input_pk] = Appender::EmptyStretch{.bounds = *found, .merged_seq = merged_seq};
  return std::optional<int64_t>();
}

Result<int64_t> SqliteStore::NewestStoredTs(int64_t input_pk) {
  Statement& newest = appender_.find_newest_ts;
  StatementResetter reset(newest);
  newest.BindInt64(1, input_pk);
  Result<bool> row = newest.Step("finding an input's newest reading");
  if (!row) return row.error();
  if (!*row) return std::numeric_limits<int64_t>::min();
  return newest.ColumnInt64(0);
}

Result<std::optional<StoredReading>> SqliteStore::FindReading(int64_t input_pk, Timestamp ts) {
  DC_RETURN_IF_ERROR(AwaitMerged(input_pk));
  return WithReader([&](Reader& reader) -> Result<std::optional<StoredReading>> {
    Result<Statement*> blocks = reader.Prepared(BlockReadSql(SortDirection::kAsc));
    if (!blocks) return blocks.error();
    return FindStored(**blocks, input_pk, ts.micros);
  });
}

Result<int64_t> SqliteStore::CountReadings(int64_t input_pk) {
  DC_RETURN_IF_ERROR(AwaitMerged(input_pk));
  return WithReader([&](Reader& reader) -> Result<int64_t> {
    Result<Statement*> prepared = reader.Prepared(kCountReadingsSql);
    if (!prepared) return prepared.error();
    Statement& count = **prepared;
    StatementResetter reset(count);
    count.BindInt64(1, input_pk);
    Result<bool> row = count.Step("counting readings");
    if (!row) return row.error();
    if (!*row) return Status::Internal("sum(count) returned no row");
    return count.ColumnInt64(0);
  });
}

}  // namespace dc::sqlite
