#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/timestamp.h"

namespace dc {

// One value of one input at one instant, as validated from an upload. The
// optional JSON extensions are kept as minified JSON text so they render back
// exactly as sent; an empty string means absent.
struct Reading {
  Timestamp timestamp;
  double value = 0;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string x_axis_value;  // a JSON number or string, or empty
  std::string metadata;      // a JSON object, or empty
};

}  // namespace dc
