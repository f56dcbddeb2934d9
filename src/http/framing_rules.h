#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "http/request.h"

namespace dc::http {

// The rules of RFC 9112 that Beast's parser leaves to its user, each a
// function of what has arrived, so the session applies them at once and the
// tests and the fuzzer can call them without a socket. docs/api.md, "HTTP
// framing", is the contract.

// Bounds on what a chunked body may send besides its data. Every byte of
// framing is held until its line ends, so each kind has a limit of its own.
struct ChunkLimits {
  // A chunk-size line with its extensions, CRLF included. Real clients
  // send a few hex digits; extensions are legal but unused.
  uint32_t line = 4096;
  // The last chunk's line and the trailer fields after it.
  uint32_t trailers = 16 * 1024;
  // Every byte of a body that is not data: lines, extensions, CRLFs and
  // trailers. 1 MiB holds the framing of 64-byte chunks of a 16 MiB body.
  uint64_t framing = 1024 * 1024;
};

// The request's framing headers: Transfer-Encoding (every field, as one list
// of codings), Content-Length and Host. A Transfer-Encoding whose last
// coding is not `chunked` is a 400; one that lists codings before `chunked`
// (`gzip, chunked`) a 501 (not implemented); either with Content-Length a
// 400. HTTP/1.1 needs exactly one Host. Every error closes the connection.
Status CheckFraming(const HeaderLookup& headers, unsigned version, bool has_content_length);

// An absolute-form target (`http://host/path?query`) as the origin-form the
// router knows (`/path?query`); any other target as it is.
std::string_view OriginForm(std::string_view target);

// The bytes at the front of `data` that are empty lines (CRLF) a client may
// send before a request line (RFC 9112 §2.2).
size_t LeadingEmptyLines(std::string_view data);

// The part of `pending` (what the parser has not taken of a head) that
// belongs to the head: up to and including the empty line that ends it, or
// all of it. After it come the body and perhaps further requests.
std::string_view HeadPart(std::string_view pending);

// A line ending in LF without CR: Beast's parser would wait for a CRLF that
// may never come, so such a line is refused when it arrives.
bool HasBareLineFeed(std::string_view data);

// What a chunked body's parser could not take yet: `pending` is the start of
// a chunk line, or the last chunk and its trailers, which the parser takes
// only whole; `framing` counts every byte of the body so far that is not
// data (`pending` included). An error once the body can no longer become
// valid within `limits`.
Status CheckChunkFraming(std::string_view pending, uint64_t framing, const ChunkLimits& limits);

}  // namespace dc::http
