#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace dc::sqlite {

// What an SQLITE_CONSTRAINT failure means to the caller: usually a bug in
// the checks made before the statement (Internal), but where a statement is
// the check itself (a duplicate id), a Conflict.
enum class ConstraintMeans { kInternal, kConflict };

// Maps an SQLite result code (primary or extended) to a Status whose detail
// says what was being done (`what`), SQLite's own message and, for `db`, the
// file. Codes that mean "the storage cannot write now" (SQLITE_FULL,
// SQLITE_IOERR*, SQLITE_BUSY, SQLITE_CANTOPEN, SQLITE_READONLY) become
// Unavailable, so that the caller can answer 503 and retry later; constraint
// violations follow `constraint`; everything else is Internal.
//
// `db` may be null (e.g. when sqlite3_open_v2 could not allocate a handle);
// then only the generic text of `rc` is used. `rc` must not be SQLITE_OK.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what,
                    ConstraintMeans constraint = ConstraintMeans::kInternal);

}  // namespace dc::sqlite
