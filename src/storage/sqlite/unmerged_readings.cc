#include "storage/sqlite/unmerged_readings.h"

#include <utility>

namespace dc::sqlite {

std::optional<int64_t> UnmergedReadings::FindId(int64_t input_pk, int64_t ts) const {
  auto it = index_.find(ReadingKey{input_pk, ts});
  if (it == index_.end()) return std::nullopt;
  return it->second.id;
}

void UnmergedReadings::Add(LoggedGroup group) {
  for (size_t b = 0; b < group.batches.size(); ++b) {
    const IngestBatch& batch = group.batches[b];
    if (!batch.readings.empty()) per_input_[batch.input_pk] += batch.readings.size();
    for (size_t r = 0; r < batch.readings.size(); ++r) {
      index_[ReadingKey{batch.input_pk, batch.readings[r].timestamp.micros}] =
          Entry{group.ids[b][r], group.seq};
    }
  }
  if (held_.empty()) oldest_ = std::chrono::steady_clock::now();
  held_readings_ += group.readings;
  unmerged_readings_ += group.readings;
  held_.push_back(std::move(group));
}

std::vector<LoggedGroup> UnmergedReadings::TakeAll() {
  std::vector<LoggedGroup> taken(std::make_move_iterator(held_.begin()),
                                 std::make_move_iterator(held_.end()));
  held_.clear();
  held_readings_ = 0;
  return taken;
}

void UnmergedReadings::PutBack(std::vector<LoggedGroup> groups) {
  if (groups.empty()) return;
  oldest_ = std::chrono::steady_clock::now();
  for (auto it = groups.rbegin(); it != groups.rend(); ++it) {
    held_readings_ += it->readings;
    held_.push_front(std::move(*it));
  }
}

void UnmergedReadings::Forget(const std::vector<LoggedGroup>& merged) {
  for (const LoggedGroup& group : merged) {
    for (const IngestBatch& batch : group.batches) {
      if (!batch.readings.empty()) {
        auto count = per_input_.find(batch.input_pk);
        if ((count->second -= batch.readings.size()) == 0) per_input_.erase(count);
      }
      for (const Reading& reading : batch.readings) {
        auto it = index_.find(ReadingKey{batch.input_pk, reading.timestamp.micros});
        if (it != index_.end() && it->second.seq <= group.seq) index_.erase(it);
      }
    }
    unmerged_readings_ -= group.readings;
  }
  // A map keeps its largest bucket array when emptied: a bulk load's would
  // stay allocated for good.
  if (index_.empty()) index_ = {};
}

}  // namespace dc::sqlite
