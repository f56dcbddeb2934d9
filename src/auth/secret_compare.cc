#include "auth/secret_compare.h"

#include <sodium.h>

#include <array>

#include "auth/sodium_init.h"

namespace dc {
namespace {

using Digest = std::array<unsigned char, crypto_generichash_BYTES>;

Digest HashOf(std::string_view text) {
  Digest digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  return digest;
}

}  // namespace

bool SecretsEqual(std::string_view given, std::string_view expected) {
  EnsureSodium();
  const Digest a = HashOf(given);
  const Digest b = HashOf(expected);
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dc
