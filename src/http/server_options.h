#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace dc::http {

// Transport limits. Every field states its default and why.
struct ServerOptions {
  // Where to listen, "HOST:PORT". Port 0 picks a free port (tests).
  std::string listen = "127.0.0.1:8000";
  // I/O threads. 0 means one per core.
  unsigned threads = 0;
  // Request line plus header fields. Larger: 431 (or 414 when the request
  // line alone does not fit). 16 KiB holds any real client's headers.
  uint32_t header_limit = 16 * 1024;
  // Bodies larger than a route's own limit are refused with 413 before they
  // are read; this is only the ceiling no route may exceed.
  uint64_t max_body_limit = 16 * 1024 * 1024;
  // Open connections. A new connection beyond this takes the place of the
  // connection idle longest (waiting for a request's first byte), which is
  // closed; when none is idle it is answered 503 and closed. So a flood of
  // idle sockets can neither exhaust file descriptors nor lock clients out.
  // The server lowers it to what the open-file limit leaves room for
  // (connection_cap.h): 10,000 is above the common soft limit of 1,024.
  size_t max_connections = 10000;
  // Refused (503) connections hold no place; at most this many at a time
  // linger for a moment after the 503 so their clients read it, the others
  // are closed as soon as it is written.
  size_t max_refused_lingering = 128;
  // A keep-alive connection may wait this long for the next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // Once a request's first byte arrives, its head must be complete within
  // this (slow-loris defence).
  std::chrono::milliseconds header_timeout{10'000};
  // A body must arrive within this; 16 MiB at a slow 1 MB/s fits.
  std::chrono::milliseconds body_timeout{60'000};
  // Writing a response may take this long before the peer is dropped.
  std::chrono::milliseconds write_timeout{30'000};
  // With both set, the server speaks HTTPS only (PEM files; the chain and
  // its key). SIGHUP reads them again: new connections get the new
  // certificate, open ones keep theirs. Empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
};

}  // namespace dc::http
