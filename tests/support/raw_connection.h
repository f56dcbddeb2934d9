#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_client.h"

struct ssl_st;

namespace dc::testing {

// One connection to the server on 127.0.0.1 on a non-blocking socket, cheap
// enough to hold hundreds; every wait is bounded. Plain TCP, or TLS (with the
// test certificate, its handshake done in the constructor); what is sent and
// received is the HTTP bytes either way. Not thread-safe. Throws
// std::runtime_error when it cannot connect or the handshake fails.
class RawConnection {
 public:
  // TLS in TlsTestMode(), else plain TCP.
  explicit RawConnection(uint16_t port);
  RawConnection(uint16_t port, Transport transport);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes `bytes`, waiting at most `wait_ms` for room; returns how many
  // were written (fewer when the server stopped reading or closed).
  size_t Send(std::string_view bytes, int wait_ms = 5000);

  // Reads what has arrived without waiting. False once the server has
  // closed its side (it may still read: a lingering close); over TLS, once
  // it sent close_notify or the stream ended or broke.
  bool Pump();

  // True when the server has closed the connection, or its sending side
  // (EOF or reset), within `wait_ms`; what it sent meanwhile stays
  // readable.
  bool ClosedWithin(int wait_ms);
  bool ClosedNow() { return !Pump(); }

  // Parses one response from what arrives within `wait_ms`; nullopt when
  // none is complete by then (or the connection closed first).
  std::optional<HttpResponse> ReadResponse(int wait_ms = 10000);

  // Bytes received and not yet parsed.
  const std::string& received() const { return received_; }

 private:
  // Bytes written (> 0), 0 when the socket has no room now, -1 when the
  // connection is broken. Sets `*want_read` when TLS must read first.
  long SendSome(std::string_view bytes, bool* want_read);
  // Bytes read (> 0), 0 when nothing has arrived, -1 at the end.
  long ReceiveSome(char* buffer, size_t size);
  void Handshake();
  void Wait(short events, int wait_ms);

  int fd_ = -1;
  ssl_st* ssl_ = nullptr;  // owned; null for plain TCP
  bool read_closed_ = false;
  bool write_failed_ = false;
  std::string received_;
};

}  // namespace dc::testing
