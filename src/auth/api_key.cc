#include "auth/api_key.h"

#include <sodium.h>

#include "auth/sodium_init.h"

namespace dc {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = crypto_generichash_BYTES;  // 32

std::string Hash(std::string_view key, std::string_view salt) {
  std::string out(kHashBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size());
  return out;
}

}  // namespace

KeyHash HashApiKey(std::string_view key) {
  EnsureSodium();
  KeyHash result;
  result.salt.resize(kSaltBytes);
  randombytes_buf(result.salt.data(), result.salt.size());
  result.hash = Hash(key, result.salt);
  return result;
}

bool VerifyApiKey(std::string_view key, std::string_view salt, std::string_view hash) {
  EnsureSodium();
  if (salt.size() < crypto_generichash_KEYBYTES_MIN || hash.size() != kHashBytes) return false;
  const std::string actual = Hash(key, salt);
  return sodium_memcmp(actual.data(), hash.data(), kHashBytes) == 0;
}

}  // namespace dc
