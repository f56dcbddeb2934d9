#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "http/request.h"
#include "http/response.h"

namespace dc::http {

// Delivers the response of one request. Call exactly once, from any thread;
// the session writes the response on its own I/O thread.
using Responder = std::function<void(Response)>;

// What a route wants after seeing the head: the body (up to `body_limit`
// bytes), to be handed to `run` once read.
struct BodyHandler {
  uint64_t body_limit = 0;
  std::function<void(std::string body, Responder respond)> run;
};

// A route answers from the head alone (an error, or a bodyless answer) or
// asks for the body. Checking credentials and the like here means an
// unauthorised client never gets to send megabytes.
using Admission = std::variant<Response, BodyHandler>;

// Runs on an I/O thread: must not block.
using Endpoint = std::function<Admission(const RequestHead& head, const PathParams& params)>;

}  // namespace dc::http
