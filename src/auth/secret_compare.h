#pragma once

#include <string_view>

namespace dc {

// True when `given` equals `expected`, e.g. a bearer token against the
// configured one. Takes the same time wherever they differ, and whatever
// their lengths: both are hashed (BLAKE2b-256, libsodium) and the digests
// compared with sodium_memcmp, so neither a prefix nor the length leaks.
// Thread-safe.
bool SecretsEqual(std::string_view given, std::string_view expected);

}  // namespace dc
