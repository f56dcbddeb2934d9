#include "api/media_type.h"

#include <string>

#include "http/field_value.h"

namespace dc::api {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Clients nearly always send the lower-case spelling; a plain comparison
  // settles those without the per-character folding below.
  if (a == b) return true;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

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
