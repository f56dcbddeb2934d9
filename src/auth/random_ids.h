#pragma once

#include <string>

namespace dc {

// Fresh identifiers and secrets from libsodium's CSPRNG. Thread-safe.

// 32 random bytes in standard base64 with padding: 44 characters, e.g.
// "ZnlvcW…eHgudng=". The standard alphabet never yields a leading '-'.
std::string GenerateOrgId();
// 18 random bytes as 36 lowercase hex characters.
std::string GenerateApiKey();
// "sen" and 10 random characters of [a-z0-9].
std::string GenerateInputId();

}  // namespace dc
