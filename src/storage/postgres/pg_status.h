#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "common/status.h"

namespace dc::postgres {

// Store's error codes (storage/store.h) for what PostgreSQL answered. By
// SQLSTATE class: a lost or refused connection, a server shutting down,
// too many connections, a serialization failure or deadlock, a full disk
// or out of memory are Unavailable (nothing was committed; a retry may
// succeed); a unique violation is Conflict; a check or foreign-key
// violation and bad data are InvalidArgument; the rest Internal. `what` says
// what was being done ("storing readings").
Status StatusFromResult(const PGresult* result, std::string_view what);
// The connection's own failure (PQstatus bad, or no result at all).
Status StatusFromConnection(const PGconn* connection, std::string_view what);
// The Status for a five-character SQLSTATE and a message.
Status StatusFromSqlState(std::string_view sqlstate, std::string_view message,
                          std::string_view what);

}  // namespace dc::postgres
