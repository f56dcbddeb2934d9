#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/reading.h"

namespace dc {

// Limits on an upload body (docs/api.md, "Upload body").
inline constexpr size_t kMaxSingleBodyBytes = 1024 * 1024;
inline constexpr size_t kMaxBatchBodyBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxBatchElements = 10'000;
// Bounds on the free-form extensions, minified.
inline constexpr size_t kMaxXAxisValueBytes = 1024;
inline constexpr size_t kMaxMetadataBytes = 64 * 1024;

// A validated upload: one reading (`data` an object) or a batch (`data` an
// array), in the order sent.
struct UploadBody {
  bool is_batch = false;
  std::vector<Reading> readings;
};

// Parses and validates a JSON:API upload document for input `input_id`.
// Errors carry a JSON pointer to the offending member: InvalidArgument (400)
// for anything malformed, Conflict (409) when `data.type` is not
// "SensorData", PayloadTooLarge (413) when a single-object body exceeds
// kMaxSingleBodyBytes. Thread-safe (the parser is per thread).
Result<UploadBody> ParseUploadBody(std::string_view body, std::string_view input_id);

}  // namespace dc
