#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace dc::testing::crash {

// The crash test's model of what the server must have stored: every upload a
// client thread made, what the server answered, and what the database must
// therefore hold after a kill -9. Pure bookkeeping: no I/O, no threads.

inline constexpr int kInputs = 4;
// 2024-01-01T00:00:00Z in microseconds; an arbitrary, readable origin.
inline constexpr int64_t kBaseMicros = 1'704'067'200'000'000;
// Each round writes its fresh timestamps in its own span of 1000 s, so no
// round can collide with an earlier one except by a deliberate replacement.
inline constexpr int64_t kMicrosPerRound = 1'000'000'000;

// Formats microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. The
// test's own formatter, so that a bug in the server's cannot hide one here.
std::string FormatIsoMicros(int64_t micros);

// Key of a stored reading in StoredRows: input index (0..kInputs-1) and
// timestamp in one integer.
inline int64_t RowKey(int input, int64_t ts) { return ts * kInputs + input; }

// One stored reading, as found in the database file or through the API.
struct StoredRow {
  int64_t id = 0;  // 0 when read through the API, which does not show ids
  double value = 0;
};
using StoredRows = std::unordered_map<int64_t, StoredRow>;

enum class UploadKind {
  kFreshSingle,    // one reading at a new timestamp
  kFreshBatch,     // 10-200 readings at new timestamps
  kReplaceSingle,  // a new value for an acknowledged timestamp
  kReplaceBatch,   // new values for 10-50 acknowledged timestamps
};

// One reading of an upload: which key (an index into the ledger) and the
// value sent. Every write carries a value no other write uses, so the value
// found in the database tells which write it came from.
struct Write {
  size_t key = 0;
  double value = 0;
};

// One HTTP request: readings for one input, all distinct timestamps.
struct Upload {
  UploadKind kind = UploadKind::kFreshSingle;
  int input = 0;
  std::vector<Write> writes;

  bool is_batch() const {
    return kind == UploadKind::kFreshBatch || kind == UploadKind::kReplaceBatch;
  }
};

// Counters of one round (per ledger; the test sums them).
struct RoundStats {
  int64_t requests_acknowledged = 0;
  int64_t readings_acknowledged = 0;
  int64_t replacements_acknowledged = 0;  // readings, within readings_acknowledged
  int64_t batches_acknowledged = 0;
  int64_t rejected = 0;  // answered, but not 201 (e.g. 503): stored nothing
  int64_t unknown_requests = 0;
  int64_t unknown_applied = 0;      // found stored after the kill
  int64_t unknown_not_applied = 0;  // found not stored
  // Failures (each must stay 0):
  int64_t lost = 0;               // acknowledged value missing or replaced by an older one
  int64_t phantom = 0;            // stored although no request could have stored it
  int64_t ids_changed = 0;        // a reading's id differs from the one seen before
  int64_t partial_batches = 0;    // an unknown-outcome batch stored in part
  int64_t early_disconnects = 0;  // the connection failed before the kill
  int64_t unexpected_statuses = 0;

  RoundStats& operator+=(const RoundStats& other);
};

// Everything one client thread (its "owner") uploaded, across all rounds.
// Each key (input, timestamp) belongs to exactly one ledger, so the writes to
// a key are sequential and the last acknowledged one is well defined.
//
// Thread-compatible: used by its client thread during a round and by the
// main thread between rounds.
class Ledger {
 public:
  // `owner` (0..max_owners-1) picks this ledger's slice of each round's
  // timestamps and values.
  Ledger(int owner, int max_owners);

  // Resets the round's counters; fresh timestamps now come from `round`.
  void BeginRound(int round);

  // Chooses the next upload: mostly fresh singles, some fresh batches, some
  // replacements of acknowledged keys. New keys are added to the ledger.
  Upload Plan(std::mt19937_64& rng);

  // The JSON:API body of `upload` (docs/api.md "Upload").
  std::string RenderBody(const Upload& upload, const std::string& input_id) const;

  // The server answered 201. `id` is the id of a single reading's 201.
  void RecordAcknowledged(const Upload& upload, std::optional<int64_t> id);
  // The server answered something else: nothing was stored.
  void RecordRejected(const Upload& upload, int status, const std::string& body);
  // No answer (the connection failed): the upload may or may not be stored.
  // `early_error` is set when the failure came before the kill.
  void RecordUnknown(Upload upload, const std::string& early_error);
  // Notes a problem seen by the client thread (e.g. an unparsable 201).
  void AddProblem(std::string problem);

  // After the kill: checks the database's rows against what was
  // acknowledged, then takes what was found as the known state for the next
  // round (an unknown-outcome upload is thereby resolved).
  void VerifyAndResolve(const StoredRows& rows, const std::array<std::string, kInputs>& input_ids,
                        int round);

  const RoundStats& stats() const { return stats_; }
  // The problems noted since the last call (at most a few per round).
  std::vector<std::string> TakeProblems();
  // Keys known to be stored (acknowledged, or found after a crash).
  size_t durable_keys() const;
  // Appends the id of each stored key whose id is known (from its 201, or
  // from the database file).
  void AppendKnownIds(std::vector<int64_t>& ids) const;
  size_t keys() const { return keys_.size(); }

 private:
  // What the test knows about one (input, timestamp).
  struct KeyState {
    int64_t ts = 0;
    int input = 0;
    bool durable = false;  // certainly stored, with `value`
    double value = 0;
    int64_t id = 0;  // 0 until a 201 or the database told it
    // Value of this round's unknown-outcome upload, which may have replaced
    // `value` (or created the row).
    std::optional<double> pending;
  };

  size_t NewKey(int input);
  double NextValue();
  void MarkDurable(size_t key, double value);
  std::string Describe(const KeyState& key,
                       const std::array<std::string, kInputs>& input_ids) const;

  int owner_;
  int64_t slot_micros_;  // width of this owner's slice of a round
  int round_ = 0;
  int64_t fresh_in_round_ = 0;
  int64_t next_value_ = 0;
  std::vector<KeyState> keys_;
  std::array<std::vector<size_t>, kInputs> durable_by_input_;  // replacement candidates
  std::optional<Upload> unknown_;  // this round's unanswered upload (at most one)
  RoundStats stats_;
  std::vector<std::string> problems_;
};

}  // namespace dc::testing::crash
