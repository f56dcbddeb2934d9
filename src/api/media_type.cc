#include "api/media_type.h"

#include <string>

#include "common/ascii.h"
#include "http/field_value.h"

namespace dc::api {
Status CheckUploadMediaType(std::optional<std::string_view> content_type) {
  constexpr std::string_view kAccepted = "application/vnd.api+json or application/json";
  if (!content_type) {
    return Status::UnsupportedMediaType("Content-Type header is missing; send " +
                                        std::string(kAccepted));
  }
  const std::string_view essence = http::TrimOws(content_type->substr(0, content_type->find(';')));
  if (EqualsIgnoringCase(essence, "application/vnd.api+json") ||
      EqualsIgnoringCase(essence, "application/json")) {
    return Status::Ok();
  }
  return Status::UnsupportedMediaType("Content-Type must be " + std::string(kAccepted) + ", got '" +
                                      std::string(content_type->substr(0, 100)) + "'");
}

}  // namespace dc::api
