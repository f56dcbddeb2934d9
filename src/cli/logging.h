#pragma once

#include <string>

#include "common/status.h"
#include "http/request_record.h"

namespace dc::cli {

// How the server logs: every line goes to stderr (stdout carries command
// output only), as text for a terminal or one JSON object per line for a
// log collector.
struct LogOptions {
  std::string level = "info";   // trace, debug, info, warn, error, critical, off
  std::string format = "text";  // text or json
  bool access_log = true;       // one line per request
};

// Replaces the default logger by one that follows `options`. InvalidArgument
// for an unknown level or format. Call once, before any thread logs.
Status ConfigureLogging(const LogOptions& options);

// The access log: one line per finished request, with the method, the
// route's pattern (never the target, whose query string may hold anything),
// status, body bytes, duration, organisation id and peer; never a header,
// so never a key. Written by a background thread, so an I/O thread never
// waits for stderr; under overload the oldest unwritten lines are dropped
// rather than slowing requests. Health checks log at debug level. Null when
// access logging is off. Thread-safe.
http::RequestObserver MakeAccessLog(const LogOptions& options);

}  // namespace dc::cli
