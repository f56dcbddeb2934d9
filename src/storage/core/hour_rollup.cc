#include "storage/core/hour_rollup.h"

namespace dc::storage {

Status HourRollup::Apply(const Callbacks& callbacks) const {
  for (const auto& [key, change] : hours_) {
    const auto [input_pk, hour] = key;
    if (!change.recompute) {
      DC_RETURN_IF_ERROR(callbacks.add(input_pk, hour, change.added));
      continue;
    }
    Result<Aggregate> recomputed = callbacks.aggregate(input_pk, HourStart(hour), HourLast(hour));
    if (!recomputed) return recomputed.error();
    // A recomputed hour always holds the reading that replaced the old one.
    if (recomputed->count == 0) {
      return Status::Internal("an hour that had a reading replaced holds no readings");
    }
    DC_RETURN_IF_ERROR(callbacks.replace(input_pk, hour, *recomputed));
  }
  return Status::Ok();
}

}  // namespace dc::storage
