#pragma once

#include "common/status.h"
#include "storage/postgres/pg_connection.h"

namespace dc::postgres {

// Number of schema migrations this binary knows (pg_schema.cc).
inline constexpr int kLatestPgSchemaVersion = 1;

// The advisory lock migrations run under ("dcschema" in ASCII): any other
// schema change on the database (a test dropping its schema) takes it too,
// since on Citus concurrent DDL can deadlock across nodes.
inline constexpr const char* kMigrationLock = "7233752297277582689";

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
