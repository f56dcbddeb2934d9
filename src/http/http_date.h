#pragma once

#include <string>

namespace dc::http {

// The current time as an HTTP Date field ("Tue, 15 Nov 1994 08:12:31 GMT").
// Formatted at most once a second per thread. Thread-safe.
const std::string& HttpDateNow();

}  // namespace dc::http
