#pragma once

#include <string>

#include "http/response.h"

namespace dc::http {

// How a response is framed on one connection: the request's HTTP version
// (e.g. 11 for HTTP/1.1) and whether the connection stays open after it.
struct Framing {
  unsigned version = 11;
  bool keep_alive = true;
};

// Replaces `out` with the status line and header fields of `response`, up to
// and including the blank line: Server, Date, Content-Type (when set), the
// route's own fields in order, Connection (when `framing` needs one) and
// Content-Length (the body's size, also when a HEAD request gets no body),
// byte for byte as Beast's serializer writes them. Reusing `out` across a
// connection's requests keeps this free of allocations. Thread-safe.
void FormatResponseHead(const Response& response, const Framing& framing, std::string& out);

}  // namespace dc::http
