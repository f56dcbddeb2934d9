#include "api/content_encoding.h"

#include <string>
#include <string_view>

#include "common/ascii.h"
#include "common/quote.h"
#include "http/field_value.h"

namespace dc::api {

Result<BodyCoding> UploadBodyCoding(const http::RequestHead& head) {
  size_t gzips = 0;
  size_t others = 0;
  std::string sent;  // the whole list as sent, for the detail
  for (std::string_view field : head.headers->GetAll("content-encoding")) {
    if (!sent.empty()) sent += ", ";
    sent += field;
    // A list: comma-separated, with empty elements allowed (RFC 9110 §5.6.1).
    while (true) {
      const size_t comma = field.find(',');
      const std::string_view coding = http::TrimOws(field.substr(0, comma));
      if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) {
        ++gzips;
      } else if (!coding.empty() && !EqualsIgnoringCase(coding, "identity")) {
        ++others;
      }
      if (comma == std::string_view::npos) break;
      field.remove_prefix(comma + 1);
    }
  }
  // `identity` means "no coding" and may stand beside the one gzip; gzip
  // twice would have to be undone twice, which no client means to ask for.
  if (others == 0 && gzips == 0) return BodyCoding::kIdentity;
  if (others == 0 && gzips == 1) return BodyCoding::kGzip;
  return Status::UnsupportedMediaType(
             "Content-Encoding must be gzip or identity (or absent), got " + QuoteForDetail(sent))
      .WithHeader("content-encoding");
}

}  // namespace dc::api
