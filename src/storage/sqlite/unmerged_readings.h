#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "storage/sqlite/ingest_log_record.h"

namespace dc::sqlite {

// A reading's key: (input, timestamp in microseconds).
struct ReadingKey {
  int64_t input_pk;
  int64_t ts;
  bool operator==(const ReadingKey&) const = default;
};
struct ReadingKeyHash {
  size_t operator()(const ReadingKey& key) const {
    // Unsigned: wrapping is meant here, and defined.
    return std::hash<uint64_t>()(static_cast<uint64_t>(key.ts) * 1'000'003u +
                                 static_cast<uint64_t>(key.input_pk));
  }
};

// UnmergedReadings holds the groups that are durable in the ingest log but
// not yet merged into the tables, and indexes their keys, so that a new
// reading at a timestamp already acknowledged gets that reading's id even
// before the merge.
//
// A merge takes the held groups (TakeAll) and, once they are committed,
// Forget()s their keys; until then the keys stay indexed, so a lookup
// during the merge still finds them. A failed merge gives them back
// (PutBack).
//
// Thread-compatible: SqliteStore guards it with its merge mutex.
class UnmergedReadings {
 public:
  // The id of the newest unmerged reading at (input_pk, ts), if any.
  std::optional<int64_t> FindId(int64_t input_pk, int64_t ts) const;
  void Add(LoggedGroup group);
  // Every held group, oldest first.
  std::vector<LoggedGroup> TakeAll();
  // Returns taken groups, unmerged, in front of those added since.
  void PutBack(std::vector<LoggedGroup> groups);
  // Drops the keys of taken groups now merged, except keys re-posted by a
  // later group.
  void Forget(const std::vector<LoggedGroup>& merged);

  bool empty() const { return held_.empty(); }
  // Whether readings of `input_pk` are unmerged (held or being merged).
  bool Holds(int64_t input_pk) const { return per_input_.contains(input_pk); }
  // Readings in held groups.
  size_t held_readings() const { return held_readings_; }
  // Readings not yet merged: held, or taken by a merge still running.
  size_t unmerged_readings() const { return unmerged_readings_; }
  // When the oldest held group was added.
  std::chrono::steady_clock::time_point oldest() const { return oldest_; }

 private:
  struct Entry {
    int64_t id;
    uint64_t seq;  // the newest group holding the key
  };

  std::deque<LoggedGroup> held_;
  std::unordered_map<ReadingKey, Entry, ReadingKeyHash> index_;
  std::unordered_map<int64_t, size_t> per_input_;  // unmerged readings per input
  size_t held_readings_ = 0;
  size_t unmerged_readings_ = 0;
  std::chrono::steady_clock::time_point oldest_;
};

}  // namespace dc::sqlite
