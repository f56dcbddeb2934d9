#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/reading.h"

namespace dc::api {

// The 201 body for one stored reading: the JSON:API resource with its id,
// the normalised timestamp, numbers as shortest round-trip strings, the
// optional attributes that were stored, and relationships.sensor.
std::string RenderStoredReading(int64_t id, const Reading& reading, std::string_view input_id);

// The 201 body for a stored batch: {"meta":{"count":N}}.
std::string RenderStoredBatch(size_t count);

}  // namespace dc::api
