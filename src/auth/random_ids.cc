#include "auth/random_ids.h"

#include <sodium.h>

#include "auth/sodium_init.h"

namespace dc {

std::string GenerateOrgId() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_ORIGINAL);
  return text;
}

std::string GenerateApiKey() {
  EnsureSodium();
  unsigned char bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  char text[sizeof bytes * 2 + 1];
  sodium_bin2hex(text, sizeof text, bytes, sizeof bytes);
  return text;
}

std::string GenerateInputId() {
  EnsureSodium();
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id = "sen";
  for (int i = 0; i < 10; ++i) id += kAlphabet[randombytes_uniform(36)];
  return id;
}

}  // namespace dc
