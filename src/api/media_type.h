#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"

namespace dc::api {

// Checks an upload's Content-Type: `application/vnd.api+json` or
// `application/json`, any case, parameters (`; charset=utf-8`) allowed.
// Missing or anything else: UnsupportedMediaType.
Status CheckUploadMediaType(std::optional<std::string_view> content_type);

}  // namespace dc::api
