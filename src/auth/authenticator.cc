#include "auth/authenticator.h"

#include "auth/api_key.h"

namespace dc {

Result<const Organisation*> Authenticate(const CatalogSnapshot& catalog,
                                         std::optional<std::string_view> org_id,
                                         std::optional<std::string_view> api_key) {
  if (!org_id || org_id->empty()) {
    return Status::Unauthenticated("missing ORGANIZATION-ID header");
  }
  if (!api_key || api_key->empty()) {
    return Status::Unauthenticated("missing ORGANIZATION-API-KEY header");
  }
  // A fixed stand-in for unknown organisations keeps the hashing work equal.
  static const KeyHash kNobody = HashApiKey("no organisation has this key");
  const Organisation* org = catalog.FindOrg(*org_id);
  // Views, not copies: this runs for every request.
  const std::string_view salt = org ? org->key_salt : kNobody.salt;
  const std::string_view hash = org ? org->key_hash : kNobody.hash;
  const bool key_ok = VerifyApiKey(*api_key, salt, hash);
  if (org == nullptr || !key_ok) {
    return Status::Unauthenticated("unknown organisation or wrong API key");
  }
  return org;
}

}  // namespace dc
