#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "domain/timestamp.h"
#include "storage/core/hour_rollup.h"
#include "storage/sqlite/sqlite_statement.h"

namespace dc::sqlite {

// hour_stats (schema migration 3) holds, per input and per hour that has
// readings, the Aggregate of that hour's readings. It must always equal what
// the readings say, so WriteBatches updates it in the same transaction as the
// readings, through a storage::HourRollup (storage/core/hour_rollup.h).
//
// An hour's sum is a REAL, a double, though the sum of its readings may lie
// beyond the double range, or have passed beyond it as readings came
// (Aggregate keeps sums in a long double): such a row keeps +-Inf, as every
// version has written it, and Statistics (storage/core/statistics.h) answer that hour from its
// readings instead (exact, but at the cost of reading them). No ordinary
// data gets there, so the table keeps its format: a finite sum means what
// it always meant, and an Inf left by an older binary is read the same way.

// Reads an aggregate from 8 columns starting at `first_column`, in
// hour_stats' order: count, sum, min, max, first_ts, first_value, last_ts,
// last_value. A count of 0 (the other columns then NULL) is an empty
// Aggregate. A sum that is not finite is kept as it is: the hour must then
// be aggregated from its readings.
Aggregate ColumnAggregate(const Statement& statement, int first_column);

// SQL that the writer prepares once: the incremental upsert of a touched
// hour and the replacement of a hour's row by a recomputed aggregate. Both
// take ?1 input_pk, ?2 hour, then the aggregate in ColumnAggregate's order.
extern const char* const kUpsertHourStatsSql;
extern const char* const kReplaceHourStatsSql;

// Writes `rollup` (what one merge did to the hours it touched) into
// hour_stats with the writer's statements, prepared from
// kUpsertHourStatsSql and kReplaceHourStatsSql, in key order;
// `aggregate(input_pk, first_ts, last_ts)` computes a recomputed hour from
// the stored readings. Runs inside the merge's transaction.
Status ApplyHourRollup(
    const storage::HourRollup& rollup, Statement& upsert, Statement& replace,
    const std::function<Result<Aggregate>(int64_t, int64_t, int64_t)>& aggregate);

}  // namespace dc::sqlite
