#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "domain/timestamp.h"
#include "storage/sqlite/sqlite_statement.h"

namespace dc::sqlite {

// hour_stats (schema migration 3) holds, per input and per hour that has
// readings, the Aggregate of that hour's readings. It must always equal what
// the readings say, so WriteBatches updates it in the same transaction as the
// readings, through HourStatsChanges.
//
// An hour's sum is a REAL, a double, though the sum of its readings may lie
// beyond the double range, or have passed beyond it as readings came
// (Aggregate keeps sums in a long double): such a row keeps +-Inf, as every
// version has written it, and Statistics answer that hour from its
// readings instead (exact, but at the cost of reading them). No ordinary
// data gets there, so the table keeps its format: a finite sum means what
// it always meant, and an Inf left by an older binary is read the same way.

// floor(a / b) for b > 0, also for negative a (C++ truncates toward zero).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}

// The hour `micros` falls in, as hour_stats numbers hours.
inline int64_t HourOf(int64_t micros) { return FloorDiv(micros, kMicrosPerHour); }

// The first and the last microsecond of `hour`, clamped to int64 for the
// partial hours at its ends (reachable only by timestamps no Timestamp
// holds, but then without overflow).
int64_t HourStart(int64_t hour);
int64_t HourLast(int64_t hour);

// The start of the interval-long bucket that `micros` falls in, buckets
// being aligned to multiples of `interval` (> 0) since the epoch. Saturates
// at the lowest int64 instead of overflowing for timestamps no Timestamp
// holds.
int64_t AlignDown(int64_t micros, int64_t interval);

// The start of the bucket that hour `hour` falls in, for an interval that
// is a whole number of hours (an hour then never straddles two buckets).
// Saturates like AlignDown.
int64_t AlignHourDown(int64_t hour, int64_t interval);

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

// HourStatsChanges collects, during one WriteBatches transaction, what the
// stored readings do to hour_stats, so that Apply() writes one statement
// per touched hour at the end instead of one per reading:
//   - a new reading adds to the hour's in-memory Aggregate, later upserted
//     into the row (count and sum added, min/max, first/last by timestamp);
//   - a reading that replaced a stored one marks its hour for
//     recomputation from the readings, because what it removed cannot be
//     subtracted from min, max, first or last. The recomputation runs after
//     every block is written, so it sees them, and supersedes the hour's
//     additions.
//
// Thread-compatible: lives on the stack of the writer.
class HourStatsChanges {
 public:
  void AddNew(int64_t input_pk, Timestamp ts, double value) {
    Touch(input_pk, ts).added.Add(ts, value);
  }
  void AddReplaced(int64_t input_pk, Timestamp ts) { Touch(input_pk, ts).recompute = true; }

  // Writes the changes with the writer's statements (prepared from
  // kUpsertHourStatsSql and kReplaceHourStatsSql), in key order;
  // `aggregate(input_pk, first_ts, last_ts)` computes a recomputed hour
  // from the stored readings.
  Status Apply(Statement& upsert, Statement& replace,
               const std::function<Result<Aggregate>(int64_t, int64_t, int64_t)>& aggregate) const;

 private:
  using Key = std::pair<int64_t, int64_t>;  // input_pk, hour
  struct Change {
    Aggregate added;
    bool recompute = false;
  };

  // Readings of a batch mostly share an hour with the previous one: the
  // last touched entry is remembered (std::map nodes never move) so most
  // rows skip the tree lookup.
  Change& Touch(int64_t input_pk, Timestamp ts) {
    const Key key(input_pk, HourOf(ts.micros));
    if (last_ == nullptr || key != last_key_) {
      last_ = &hours_[key];
      last_key_ = key;
    }
    return *last_;
  }

  std::map<Key, Change> hours_;
  Change* last_ = nullptr;
  Key last_key_;
};

}  // namespace dc::sqlite
