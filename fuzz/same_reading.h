#pragma once

// Readings compared as they are stored: doubles by their bits, so that a
// round trip through a codec may not turn -0.0 into 0.0 or change a NaN's
// payload unnoticed.
#include <bit>
#include <cstdint>
#include <optional>

#include "domain/reading.h"

namespace dc::fuzz {

inline bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

inline bool SameBits(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || SameBits(*a, *b));
}

inline bool SameReading(const Reading& a, const Reading& b) {
  return a.timestamp == b.timestamp && SameBits(a.value, b.value) &&
         SameBits(a.latitude, b.latitude) && SameBits(a.longitude, b.longitude) &&
         a.x_axis_value == b.x_axis_value && a.metadata == b.metadata;
}

}  // namespace dc::fuzz
