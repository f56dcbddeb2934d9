#pragma once

#include "common/result.h"
#include "http/request.h"

namespace dc::api {

// How an upload's body is coded (its Content-Encoding, docs/api.md "Upload").
enum class BodyCoding { kIdentity, kGzip };

// Reads every Content-Encoding field of `head` as one list of codings;
// `identity` (no coding) and empty elements are dropped. Nothing left:
// kIdentity. Exactly one `gzip` (or `x-gzip`, RFC 9110 §8.4.1.3), any
// case: kGzip. Anything else (`br`, `deflate`, `gzip, gzip`) is
// UnsupportedMediaType naming the header, decided from the head so that a
// body the server cannot decode is never read.
Result<BodyCoding> UploadBodyCoding(const http::RequestHead& head);

}  // namespace dc::api
