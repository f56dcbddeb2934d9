#pragma once

#include <string>

#include "common/status.h"

namespace dc::cli {

// How the server logs: every line goes to stderr (stdout carries command
// output only), as text for a terminal or one JSON object per line for a
// log collector.
struct LogOptions {
  std::string level = "info";   // trace, debug, info, warn, error, critical, off
  std::string format = "text";  // text or json
  bool access_log = true;       // one line per request (access_log.h)
};

// Replaces the default logger by one that follows `options`. InvalidArgument
// for an unknown level or format. Call once, before any thread logs.
Status ConfigureLogging(const LogOptions& options);

}  // namespace dc::cli
