#include "api/request_auth.h"

#include <optional>
#include <string>

#include "auth/authenticator.h"

namespace dc::api {
namespace {

// The one value of a credential sent under its dashed or underscored name,
// absent when neither is sent. Fields that disagree (the name twice, or both
// spellings, with different values) are InvalidArgument naming `dashed`:
// answering for whichever came first would be a guess at which one the
// client meant, and a proxy that adds its own field could then pick the
// organisation. The same value repeated is one credential.
Result<std::optional<std::string_view>> OneCredential(const http::RequestHead& head,
                                                      std::string_view dashed,
                                                      std::string_view underscored) {
  std::optional<std::string_view> found;
  for (std::string_view name : {dashed, underscored}) {
    for (std::string_view value : head.headers->GetAll(name)) {
      if (found && *found != value) {
        return Status::InvalidArgument(std::string(dashed) +
                                       " is sent more than once with different values (" +
                                       std::string(dashed) + " and " + std::string(underscored) +
                                       " are one header); send it once")
            .WithHeader(std::string(dashed));
      }
      found = value;
    }
  }
  return found;
}

}  // namespace

Result<const Organisation*> AuthenticateRequest(const CatalogSnapshot& catalog,
                                                const http::RequestHead& head) {
  auto org_id = OneCredential(head, "organization-id", "organization_id");
  if (!org_id) return org_id.error();
  auto key = OneCredential(head, "organization-api-key", "organization_api_key");
  if (!key) return key.error();
  return Authenticate(catalog, *org_id, *key);
}

Result<const Input*> FindOwnedInput(const CatalogSnapshot& catalog, const Organisation& org,
                                    std::string_view input_id) {
  // Looked up in `org`'s own index: another organisation's input is not
  // there, exactly like one that exists nowhere.
  const Input* input = catalog.FindInput(org.id, input_id);
  if (input == nullptr) {
    std::string shown(input_id.substr(0, 64));
    return Status::NotFound("input '" + shown + "' not found");
  }
  return input;
}

}  // namespace dc::api
