#pragma once

#include <string>
#include <string_view>

namespace dc {

// A salted hash of an API key, as stored. The key itself is never stored.
struct KeyHash {
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
};

// Hashes `key` with a fresh random salt (BLAKE2b-256 keyed with the salt,
// from libsodium). A fast hash is right here: generated keys carry 144 bits
// of entropy and imported ones at least 16 characters, and the hash is
// checked on every request, where a slow KDF would hand attackers a cheap way
// to burn the server's CPU.
KeyHash HashApiKey(std::string_view key);

// True when `key` hashes to `hash` under `salt` (raw bytes, as stored).
// Takes the same time wherever the hashes differ.
bool VerifyApiKey(std::string_view key, std::string_view salt, std::string_view hash);

}  // namespace dc
