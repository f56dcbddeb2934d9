#include "api/content_security_policy.h"

#include <sodium.h>

#include "auth/sodium_init.h"

namespace dc::api {
namespace {

// `'sha256-…'` of the text between `<TAG>` and `</TAG>`, or `'none'`. The
// page is ours and writes both tags without attributes, so this is no
// HTML parser and need not be.
std::string InlineSource(std::string_view html, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t begin = html.find(open);
  if (begin == std::string_view::npos) return "'none'";
  const size_t content = begin + open.size();
  const size_t end = html.find(close, content);
  if (end == std::string_view::npos) return "'none'";
  const std::string_view text = html.substr(content, end - content);

  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char base64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(base64, sizeof(base64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
  return "'sha256-" + std::string(base64) + "'";
}

}  // namespace

std::string ContentSecurityPolicyFor(std::string_view html) {
  return "default-src 'none'; script-src " + InlineSource(html, "script") + "; style-src " +
         InlineSource(html, "style") +
         "; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'";
}

}  // namespace dc::api
