#include "storage/core/batch_rules.h"

#include <cmath>
#include <string>
#include <vector>

namespace dc::storage {

Status CheckBatches(std::span<const IngestBatch* const> batches) {
  for (size_t b = 0; b < batches.size(); ++b) {
    if (batches[b] == nullptr) {
      return Status::InvalidArgument("batch " + std::to_string(b) + " is null");
    }
    const std::vector<Reading>& readings = batches[b]->readings;
    for (size_t r = 0; r < readings.size(); ++r) {
      const Reading& reading = readings[r];
      const char* field = nullptr;
      if (!std::isfinite(reading.value)) {
        field = "value";
      } else if (reading.latitude.has_value() && !std::isfinite(*reading.latitude)) {
        field = "latitude";
      } else if (reading.longitude.has_value() && !std::isfinite(*reading.longitude)) {
        field = "longitude";
      }
      if (field != nullptr) {
        return Status::InvalidArgument("reading " + std::to_string(r) + " of batch " +
                                       std::to_string(b) + ": " + field + " is not finite");
      }
    }
  }
  return Status::Ok();
}

}  // namespace dc::storage
