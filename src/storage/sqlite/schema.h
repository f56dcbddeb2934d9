#pragma once

#include "common/result.h"

struct sqlite3;

namespace dc::sqlite {

// The schema version this binary creates and understands: the number of
// migrations in schema.cc.
inline constexpr int kLatestSchemaVersion = 4;

// Brings the database on `db` to kLatestSchemaVersion: a new (empty) file is
// created from scratch, an older file is upgraded by running the missing
// migrations in order, each in its own BEGIN IMMEDIATE transaction together
// with the version update, so a crash or a concurrent opener leaves the file
// at some whole version. A file already at the latest version is not
// written to (no write lock taken).
//
// Errors: InvalidArgument when the file's version is newer than this binary
// knows, or when it holds tables but is not a datacooee database; otherwise
// as SqliteStatus().
Status Migrate(sqlite3* db);

// The version recorded in the file: 0 for an empty file.
Result<int> ReadSchemaVersion(sqlite3* db);

// Tests only: migrates to `version` (1..kLatestSchemaVersion) instead of the
// latest, to create files as an older binary left them.
Status MigrateToForTesting(sqlite3* db, int version);

}  // namespace dc::sqlite
