#pragma once

#include <functional>
#include <string_view>

#include "http/response.h"

namespace dc::api {

// Runs `work`, the part of a request that an endpoint hands to the read
// pool, and returns its response; a throw (std::bad_alloc, a library's
// exception) becomes the 500 of http::InternalError, logged with `route`.
//
// The pool's tasks have no router around them, and the pool drops a task
// that throws: without this the client would get its connection closed
// with no answer. Thread-safe (it keeps no state).
http::Response RunGuarded(std::string_view route, const std::function<http::Response()>& work);

}  // namespace dc::api
