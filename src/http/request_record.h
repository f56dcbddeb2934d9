#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace dc::http {

// One finished request, as the access log and the metrics see it. Every
// view is valid only during the observer's call.
struct RequestRecord {
  std::string_view method;               // as sent; empty when no request line was parsed
  std::string_view route;                // the matched route's pattern; empty when none matched
  int status = 0;                        // of the response sent (or attempted)
  uint64_t body_bytes = 0;               // of the response body
  std::chrono::nanoseconds duration{0};  // from the request's first byte to the response written
  std::string_view principal;            // Response::principal: the organisation id, or empty
  std::string_view peer;                 // the client's address, "IP:PORT"
  bool tls = false;
  bool sent = true;  // false when the connection failed before the whole response was written
};

// Called once per finished request, on the connection's I/O thread: must
// be quick and must not throw.
using RequestObserver = std::function<void(const RequestRecord&)>;

}  // namespace dc::http
