#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "domain/timestamp.h"
#include "storage/core/hour_math.h"

namespace dc::storage {

// HourRollup collects, while a backend writes a batch of readings, what
// they do to its per-hour aggregates (count, sum, min, max, first and last
// per input and hour), so that the backend writes one change per touched
// hour at the end instead of one per reading:
//   - a new reading adds to the hour's Aggregate, which the backend then
//     adds to the stored one (count and sum added, min/max, first/last by
//     timestamp);
//   - a reading that replaced a stored one marks its hour for
//     recomputation from the readings, because what it removed cannot be
//     subtracted from min, max, first or last. The backend applies the
//     roll-up after every reading is written, so the recomputation sees
//     them, and it supersedes the hour's additions.
// The aggregates must always equal what the readings say, so the backend
// applies the roll-up in the transaction that writes the readings.
//
// Thread-compatible: lives on the stack of the writer.
class HourRollup {
 public:
  // What a backend does with the roll-up; each returns its failure, which
  // stops Apply().
  struct Callbacks {
    // Adds `added` to the stored aggregate of (input_pk, hour), creating it.
    std::function<Status(int64_t input_pk, int64_t hour, const Aggregate& added)> add;
    // Replaces the stored aggregate of (input_pk, hour) by `recomputed`.
    std::function<Status(int64_t input_pk, int64_t hour, const Aggregate& recomputed)> replace;
    // The aggregate of the stored readings of `input_pk` in [first_ts, last_ts].
    std::function<Result<Aggregate>(int64_t input_pk, int64_t first_ts, int64_t last_ts)> aggregate;
  };

  void AddNew(int64_t input_pk, Timestamp ts, double value) {
    Touch(input_pk, ts).added.Add(ts, value);
  }
  void AddReplaced(int64_t input_pk, Timestamp ts) { Touch(input_pk, ts).recompute = true; }

  // Hands every touched hour to `callbacks`, in (input_pk, hour) order.
  // Internal if an hour that had a reading replaced holds no readings.
  Status Apply(const Callbacks& callbacks) const;

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

}  // namespace dc::storage
