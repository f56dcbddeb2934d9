#pragma once

#include "common/status.h"
#include "storage/postgres/pg_connection.h"

namespace dc::postgres {

// Number of schema migrations this binary knows (pg_schema.cc).
inline constexpr int kLatestPgSchemaVersion = 1;

// Brings the database to kLatestPgSchemaVersion. Safe when several servers
// start at once: they take turns under one advisory lock, and each applies
// only what none applied before it. Each migration commits with its version
// number, so a start that fails half way resumes at the next migration.
// On a database with the citus extension the same migrations also
// distribute the tables (docs/scaling.md). InvalidArgument for a database
// of a newer schema than this binary knows.
Status MigratePg(PgConnection& connection);

// Whether the database has the citus extension.
Result<bool> HasCitus(PgConnection& connection);

}  // namespace dc::postgres
