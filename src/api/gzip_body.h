#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dc::api {

// Decodes a `Content-Encoding: gzip` body (RFC 1952; several members one
// after another, as `cat a.gz b.gz` makes, decode to their concatenation).
// Inflates in steps of 64 KiB, so memory follows the decoded size, and
// stops as soon as that size passes `limit`: PayloadTooLarge, without ever
// holding more than `limit` bytes and one step (a few KiB of zeros that inflate to
// gigabytes cost no more than a body at the limit). Corrupt, truncated, or
// followed by bytes that are not another member: InvalidArgument. The
// decoded bytes are the body; the compressed ones are never taken for it.
Result<std::string> DecodeGzipBody(std::string_view compressed, size_t limit);

}  // namespace dc::api
