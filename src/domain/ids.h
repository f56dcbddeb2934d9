#pragma once

#include <optional>
#include <string_view>

#include "domain/catalog_types.h"

namespace dc {

// Rules for identifiers and names that come from the command line (docs/api.md,
// "Identities and setup"). Each returns true when `text` is acceptable.

// 1..128 chars of [A-Za-z0-9+/=._~-], not starting with '-'.
bool IsValidOrgId(std::string_view text);
// 16..128 chars in 0x21..0x7E.
bool IsValidApiKey(std::string_view text);
// 1..64 chars of [A-Za-z0-9_-].
bool IsValidInputId(std::string_view text);
// 1..200 bytes of valid UTF-8 with no control characters (U+0000..U+001F,
// U+007F); not only spaces.
bool IsValidName(std::string_view text);
// 0..50 bytes of valid UTF-8 with no control characters.
bool IsValidMeasureUnit(std::string_view text);

// "API" or "MQTT" (case-insensitive).
std::optional<DataSource> ParseDataSource(std::string_view text);

}  // namespace dc
