#include "crash/upload_ledger.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unordered_set>
#include <utility>

namespace dc::testing::crash {
namespace {

// A client thread keeps at most this many problem descriptions: one broken
// invariant can repeat thousands of times, and the first few say it all.
constexpr size_t kMaxProblemsPerLedger = 20;

std::string Shortest(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

const char* KindName(UploadKind kind) {
  switch (kind) {
    case UploadKind::kFreshSingle:
      return "single";
    case UploadKind::kFreshBatch:
      return "batch";
    case UploadKind::kReplaceSingle:
      return "replacing single";
    case UploadKind::kReplaceBatch:
      return "replacing batch";
  }
  return "?";
}

}  // namespace

std::string FormatIsoMicros(int64_t micros) {
  int64_t seconds = micros / 1'000'000;
  int64_t fraction = micros % 1'000'000;
  if (fraction < 0) {
    fraction += 1'000'000;
    seconds -= 1;
  }
  const time_t as_time_t = static_cast<time_t>(seconds);
  tm utc{};
  gmtime_r(&as_time_t, &utc);
  char text[96];  // ample for any tm, which the compiler cannot bound
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(fraction));
  return text;
}

RoundStats& RoundStats::operator+=(const RoundStats& other) {
  requests_acknowledged += other.requests_acknowledged;
  readings_acknowledged += other.readings_acknowledged;
  replacements_acknowledged += other.replacements_acknowledged;
  batches_acknowledged += other.batches_acknowledged;
  rejected += other.rejected;
  unknown_requests += other.unknown_requests;
  unknown_applied += other.unknown_applied;
  unknown_not_applied += other.unknown_not_applied;
  lost += other.lost;
  phantom += other.phantom;
  ids_changed += other.ids_changed;
  partial_batches += other.partial_batches;
  early_disconnects += other.early_disconnects;
  unexpected_statuses += other.unexpected_statuses;
  return *this;
}

Ledger::Ledger(int owner, int max_owners)
    : owner_(owner), slot_micros_(kMicrosPerRound / max_owners) {}

void Ledger::BeginRound(int round) {
  round_ = round;
  fresh_in_round_ = 0;
  stats_ = RoundStats{};
}

std::vector<std::string> Ledger::TakeProblems() { return std::exchange(problems_, {}); }

size_t Ledger::NewKey(int input) {
  if (fresh_in_round_ >= slot_micros_) {
    // Would run into the next owner's timestamps; millions of readings per
    // thread and round are far beyond what a round of a second can upload.
    std::fprintf(stderr, "crash test: owner %d ran out of timestamps in round %d\n", owner_,
                 round_);
    std::abort();
  }
  KeyState key;
  key.ts = kBaseMicros + round_ * kMicrosPerRound + owner_ * slot_micros_ + fresh_in_round_++;
  key.input = input;
  keys_.push_back(key);
  return keys_.size() - 1;
}

double Ledger::NextValue() {
  // Unique across owners and writes, exact in a double (< 2^40), and not an
  // integer so that the fraction survives the round trip too.
  return static_cast<double>((int64_t{owner_} << 32) + next_value_++) + 0.25;
}

Upload Ledger::Plan(std::mt19937_64& rng) {
  Upload upload;
  upload.input = std::uniform_int_distribution<int>(0, kInputs - 1)(rng);
  const std::vector<size_t>& durable = durable_by_input_[upload.input];
  const int dice = std::uniform_int_distribution<int>(0, 99)(rng);
  if (dice < 15 && !durable.empty()) {
    upload.kind = UploadKind::kReplaceSingle;
    const size_t pick = std::uniform_int_distribution<size_t>(0, durable.size() - 1)(rng);
    upload.writes.push_back({durable[pick], NextValue()});
  } else if (dice < 20 && durable.size() >= 10) {
    upload.kind = UploadKind::kReplaceBatch;
    const size_t count =
        std::min(durable.size(), std::uniform_int_distribution<size_t>(10, 50)(rng));
    // Distinct keys: a batch with a repeated timestamp keeps only its last
    // value, which would blur the all-or-nothing check.
    std::unordered_set<size_t> chosen;
    std::uniform_int_distribution<size_t> any(0, durable.size() - 1);
    while (chosen.size() < count) {
      const size_t key = durable[any(rng)];
      if (chosen.insert(key).second) upload.writes.push_back({key, NextValue()});
    }
  } else if (dice < 30) {
    upload.kind = UploadKind::kFreshBatch;
    const int count = std::uniform_int_distribution<int>(10, 200)(rng);
    for (int i = 0; i < count; ++i) upload.writes.push_back({NewKey(upload.input), NextValue()});
  } else {
    upload.kind = UploadKind::kFreshSingle;
    upload.writes.push_back({NewKey(upload.input), NextValue()});
  }
  return upload;
}

std::string Ledger::RenderBody(const Upload& upload, const std::string& input_id) const {
  std::string body = upload.is_batch() ? "{\"data\":[" : "{\"data\":";
  for (size_t i = 0; i < upload.writes.size(); ++i) {
    const Write& write = upload.writes[i];
    if (i > 0) body += ',';
    body += "{\"type\":\"SensorData\",\"attributes\":{\"timestamp\":\"";
    body += FormatIsoMicros(keys_[write.key].ts);
    body += "\",\"value\":";
    body += Shortest(write.value);
    body += "}";
    if (!upload.is_batch()) {
      body += ",\"relationships\":{\"sensor\":{\"data\":{\"type\":\"Sensor\",\"id\":\"";
      body += input_id;
      body += "\"}}}";
    }
    body += "}";
  }
  body += upload.is_batch() ? "]}" : "}";
  return body;
}

void Ledger::MarkDurable(size_t key, double value) {
  KeyState& state = keys_[key];
  if (!state.durable) durable_by_input_[state.input].push_back(key);
  state.durable = true;
  state.value = value;
}

void Ledger::RecordAcknowledged(const Upload& upload, std::optional<int64_t> id) {
  stats_.requests_acknowledged += 1;
  stats_.readings_acknowledged += static_cast<int64_t>(upload.writes.size());
  if (upload.kind == UploadKind::kReplaceSingle || upload.kind == UploadKind::kReplaceBatch) {
    stats_.replacements_acknowledged += static_cast<int64_t>(upload.writes.size());
  }
  if (upload.is_batch()) stats_.batches_acknowledged += 1;
  for (const Write& write : upload.writes) MarkDurable(write.key, write.value);
  if (id.has_value()) {
    KeyState& key = keys_[upload.writes.front().key];
    // docs/api.md "Upload": a re-post of the same (input, timestamp) keeps the id.
    if (key.id != 0 && key.id != *id) {
      stats_.ids_changed += 1;
      AddProblem("round " + std::to_string(round_) + ": a re-post of ts " +
                 FormatIsoMicros(key.ts) + " (input #" + std::to_string(key.input) +
                 ") was answered with id " + std::to_string(*id) + ", earlier " +
                 std::to_string(key.id));
    }
    key.id = *id;
  }
}

void Ledger::RecordRejected(const Upload& upload, int status, const std::string& body) {
  stats_.rejected += 1;
  // 503 is the server's documented answer to overload (the ingest queue is
  // full); anything else means this test sent something wrong.
  if (status != 503) {
    stats_.unexpected_statuses += 1;
    AddProblem("round " + std::to_string(round_) + ": a " + KindName(upload.kind) +
               " upload was answered " + std::to_string(status) + ": " + body.substr(0, 300));
  }
}

void Ledger::RecordUnknown(Upload upload, const std::string& early_error) {
  stats_.unknown_requests += 1;
  if (!early_error.empty()) {
    stats_.early_disconnects += 1;
    AddProblem("round " + std::to_string(round_) +
               ": the connection failed before the server was killed: " + early_error);
  }
  for (const Write& write : upload.writes) keys_[write.key].pending = write.value;
  unknown_ = std::move(upload);
}

void Ledger::AddProblem(std::string problem) {
  if (problems_.size() < kMaxProblemsPerLedger) problems_.push_back(std::move(problem));
}

std::string Ledger::Describe(const KeyState& key,
                             const std::array<std::string, kInputs>& input_ids) const {
  return "input " + input_ids[key.input] + " ts " + FormatIsoMicros(key.ts) + " (" +
         std::to_string(key.ts) + " us)";
}

void Ledger::VerifyAndResolve(const StoredRows& rows,
                              const std::array<std::string, kInputs>& input_ids, int round) {
  auto find = [&rows](const KeyState& key) -> const StoredRow* {
    auto it = rows.find(RowKey(key.input, key.ts));
    return it == rows.end() ? nullptr : &it->second;
  };
  const std::string when = "round " + std::to_string(round) + ": ";

  // The upload in flight at the kill: all of it stored, or none of it.
  if (unknown_.has_value()) {
    size_t applied = 0;
    for (const Write& write : unknown_->writes) {
      const StoredRow* row = find(keys_[write.key]);
      if (row != nullptr && row->value == write.value) ++applied;
    }
    if (applied == 0) {
      stats_.unknown_not_applied += 1;
    } else {
      stats_.unknown_applied += 1;
    }
    if (applied != 0 && applied != unknown_->writes.size()) {
      stats_.partial_batches += 1;
      const KeyState& first = keys_[unknown_->writes.front().key];
      AddProblem(when + "an unanswered " + KindName(unknown_->kind) + " upload of " +
                 std::to_string(unknown_->writes.size()) + " readings starting at " +
                 Describe(first, input_ids) + " is stored in part: " + std::to_string(applied) +
                 " of its readings");
    }
  }

  for (KeyState& key : keys_) {
    const StoredRow* row = find(key);
    const bool as_pending = key.pending.has_value() && row != nullptr && row->value == *key.pending;
    const bool as_known =
        key.durable ? (row != nullptr && row->value == key.value) : row == nullptr;
    if (!as_pending && !as_known) {
      std::string problem = when + Describe(key, input_ids);
      if (key.durable) {
        stats_.lost += 1;
        problem += ": LOST: acknowledged value " + Shortest(key.value);
        if (key.id != 0) problem += " (id " + std::to_string(key.id) + ")";
      } else {
        stats_.phantom += 1;
        problem += ": never acknowledged (absent before, or rejected)";
      }
      if (key.pending.has_value()) {
        problem += ", or the unanswered value " + Shortest(*key.pending);
      }
      problem += row == nullptr
                     ? "; found: no row"
                     : "; found: value " + Shortest(row->value) + " id " + std::to_string(row->id);
      AddProblem(std::move(problem));
    }
    // A row read through the API has no id (0): the 201s alone tell ids then.
    if (row != nullptr && key.id != 0 && row->id != 0 && row->id != key.id) {
      stats_.ids_changed += 1;
      AddProblem(when + Describe(key, input_ids) + ": id was " + std::to_string(key.id) +
                 ", found " + std::to_string(row->id));
    }
    // What survived the crash is the state the next round builds on; this
    // also resolves the unknown-outcome upload either way.
    key.pending.reset();
    key.durable = row != nullptr;
    if (row != nullptr) {
      key.value = row->value;
      if (row->id != 0) key.id = row->id;
    }
  }
  unknown_.reset();
  for (std::vector<size_t>& durable : durable_by_input_) durable.clear();
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].durable) durable_by_input_[keys_[i].input].push_back(i);
  }
}

void Ledger::AppendKnownIds(std::vector<int64_t>& ids) const {
  for (const KeyState& key : keys_) {
    if (key.durable && key.id != 0) ids.push_back(key.id);
  }
}

size_t Ledger::durable_keys() const {
  size_t count = 0;
  for (const KeyState& key : keys_) count += key.durable ? 1 : 0;
  return count;
}

}  // namespace dc::testing::crash
