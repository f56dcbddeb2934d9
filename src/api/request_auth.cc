#include "api/request_auth.h"

#include <string>

#include "auth/authenticator.h"

namespace dc::api {
namespace {

std::optional<std::string_view> EitherHeader(const http::RequestHead& head, std::string_view dashed,
                                             std::string_view underscored) {
  if (auto value = head.Header(dashed)) return value;
  return head.Header(underscored);
}

}  // namespace

Result<const Organisation*> AuthenticateRequest(const CatalogSnapshot& catalog,
                                                const http::RequestHead& head) {
  return Authenticate(catalog, EitherHeader(head, "organization-id", "organization_id"),
                      EitherHeader(head, "organization-api-key", "organization_api_key"));
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
