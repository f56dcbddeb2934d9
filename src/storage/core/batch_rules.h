#pragma once

#include <span>

#include "common/status.h"
#include "storage/store.h"

namespace dc::storage {

// The rules every backend holds a WriteBatches call to before it stores
// anything ("the NaN rule"): no batch is null, and no reading has a value,
// latitude or longitude that is not finite. A database would not refuse
// them itself: SQLite binds a NaN as NULL (a NaN latitude would silently
// vanish, a NaN value fail as a NOT NULL violation), and PostgreSQL's
// double precision stores NaN and Inf as numbers.
//
// Returns InvalidArgument naming the first offending batch, reading and
// field. Thread-safe (a pure function).
Status CheckBatches(std::span<const IngestBatch* const> batches);

}  // namespace dc::storage
