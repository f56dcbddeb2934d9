#pragma once

#include <string_view>

#include "common/status.h"

namespace dc {

// Turns a storage failure into what a client may see, and tells the
// operator. The store's detail names files and engine codes: useful in the
// log, not in an API answer. Logs at most one line a second (with a count of
// the failures not logged), so a full disk under load cannot flood the log.
// Returns a Status of the same code (Unavailable stays 503; anything else
// becomes Internal) whose detail is `consequence` plus a generic cause.
// Thread-safe.
Status ReportStorageFailure(const Status& failure, std::string_view consequence);

}  // namespace dc
