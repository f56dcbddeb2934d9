// Crash-consistency test: uploads from 32 keep-alive connections, kill -9 of
// the server at a random moment, then a look at the SQLite file itself.
// docs/api.md "Upload": a 201 means the reading is durably stored and survives
// kill -9; a re-post of (input, timestamp) replaces the value and keeps the
// id; a batch is stored whole or not at all.
//
// CI runs 5 rounds (DATACOOEE_CRASH_ROUNDS, default 5). The full run:
//   DATACOOEE_CRASH_ROUNDS=30 ctest -L crash
// A failure prints its seed; DATACOOEE_CRASH_SEED=N replays the same kill
// delays and upload plans (the interleaving of threads stays free).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crash/upload_ledger.h"
#include "storage/hour_stats_check.h"
#include "support/file_readings.h"
#include "support/hang_watchdog.h"
#include "support/http_client.h"
#include "support/ingest_log_files.h"
#include "support/server_process.h"

namespace dc::testing::crash {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kClientThreads = 32;
// The ledger after the client threads' ones belongs to the probe upload that
// checks each restarted server accepts uploads at once.
constexpr int kProbeOwner = kClientThreads;
constexpr int kOwners = kClientThreads + 1;
constexpr int kDefaultRounds = 5;
constexpr int kMinKillDelayMs = 200;
constexpr int kMaxKillDelayMs = 1500;
// After the kill every connection fails at once; a thread still blocked
// after this long means a hang, which must fail loudly rather than stall CI.
constexpr auto kJoinDeadline = std::chrono::seconds(30);
// A round takes seconds, even under a sanitizer; one still running after
// this long is stuck, and the watchdog prints where before ctest's timeout
// would end the test without a word.
constexpr auto kRoundDeadline = std::chrono::seconds(180);
// Problems printed per round, beyond the counts.
constexpr size_t kMaxProblemsShown = 40;

int64_t IntFromEnv(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value <= 0) {
    ADD_FAILURE() << name << " must be a positive integer, got '" << text << "'";
    return fallback;
  }
  return value;
}

std::string JsonString(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// The organisation and inputs every round uploads to.
struct Target {
  std::string org_id;
  std::string api_key;
  std::array<std::string, kInputs> input_ids;
  std::array<int64_t, kInputs> input_pks{};

  Headers UploadHeaders() const {
    return {{"ORGANIZATION-ID", org_id},
            {"ORGANIZATION-API-KEY", api_key},
            {"Content-Type", "application/vnd.api+json"}};
  }
  std::string UploadPath(int input) const {
    return "/api/external/v1/inputs/" + input_ids[input] + "/inputdata/";
  }
};

// Runs one setup command and returns its JSON output, parsed.
rapidjson::Document RunSetup(const std::vector<std::string>& args) {
  const CommandResult result = RunDatacooee(args);
  EXPECT_EQ(result.exit_code, 0) << "datacooee failed: " << result.err;
  rapidjson::Document json;
  json.Parse(result.out.c_str());
  EXPECT_FALSE(json.HasParseError()) << "not JSON: " << result.out;
  return json;
}

// Creates the organisation and the inputs once, through the real CLI, and
// reads the inputs' pks (the key of `readings`) from the file.
Target CreateTarget(const std::string& db_url, const std::string& db_path) {
  Target target;
  rapidjson::Document org = RunSetup({"org", "create", "--db", db_url, "--name", "crash test"});
  target.org_id = JsonString(org, "id");
  target.api_key = JsonString(org, "api_key");
  for (int i = 0; i < kInputs; ++i) {
    rapidjson::Document input = RunSetup({"input", "create", "--db", db_url, "--org", target.org_id,
                                          "--name", "sensor " + std::to_string(i), "--unit", "C"});
    target.input_ids[i] = JsonString(input, "id");
  }

  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* find = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT pk FROM inputs WHERE id = ?1", -1, &find, nullptr),
            SQLITE_OK);
  for (int i = 0; i < kInputs; ++i) {
    sqlite3_bind_text(find, 1, target.input_ids[i].c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(find), SQLITE_ROW) << "input " << target.input_ids[i] << " not stored";
    target.input_pks[i] = sqlite3_column_int64(find, 0);
    sqlite3_reset(find);
  }
  sqlite3_finalize(find);
  sqlite3_close(db);
  return target;
}

enum class Outcome { kAcknowledged, kRejected, kUnknown };

// Sends `upload` on `client` (connecting first if needed) and records the
// answer in `ledger`. I/O errors are the expected end of every connection in
// this test: they are caught and the upload recorded as of unknown outcome.
Outcome SendUpload(std::optional<HttpClient>& client, uint16_t port, const Target& target,
                   Ledger& ledger, Upload upload, const std::atomic<bool>& kill_sent) {
  const std::string body = ledger.RenderBody(upload, target.input_ids[upload.input]);
  HttpResponse response;
  try {
    if (!client.has_value()) client.emplace(port);
    response =
        client->Request("POST", target.UploadPath(upload.input), target.UploadHeaders(), body);
  } catch (const std::exception& error) {
    client.reset();
    ledger.RecordUnknown(std::move(upload), kill_sent.load() ? "" : error.what());
    return Outcome::kUnknown;
  }
  // The server may close a connection after any answer; reconnect then,
  // rather than mistake the closed socket for the kill.
  if (!response.keep_alive) client.reset();
  if (response.status != 201) {
    ledger.RecordRejected(upload, response.status, response.body);
    return Outcome::kRejected;
  }
  std::optional<int64_t> id;
  if (!upload.is_batch()) {
    rapidjson::Document json;
    json.Parse(response.body.c_str());
    const std::string id_text = json.HasParseError() || !json.IsObject() || !json.HasMember("data")
                                    ? ""
                                    : JsonString(json["data"], "id");
    if (id_text.empty()) {
      ledger.AddProblem("a 201 without data.id: " + response.body.substr(0, 300));
    } else {
      id = std::stoll(id_text);
    }
  }
  ledger.RecordAcknowledged(upload, id);
  return Outcome::kAcknowledged;
}

// One client thread: uploads on its own keep-alive connection until the
// connection fails, which after the kill it always does.
void RunClient(uint16_t port, const Target& target, Ledger& ledger, uint64_t seed,
               const std::atomic<bool>& kill_sent) {
  std::mt19937_64 rng(seed);
  std::optional<HttpClient> client;
  while (true) {
    const Outcome outcome = SendUpload(client, port, target, ledger, ledger.Plan(rng), kill_sent);
    if (outcome == Outcome::kUnknown) return;
    if (outcome == Outcome::kRejected) {
      // Overloaded (503): back off a little, as a device would.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

// What the database file holds after the kill.
struct DatabaseState {
  std::string integrity;  // PRAGMA integrity_check, rows joined
  StoredRows rows;
  int64_t foreign_rows = 0;   // readings of an input the test did not create
  int64_t duplicate_ids = 0;  // rows sharing an id with another row
  std::string error;          // an SQLite failure while reading
  std::string hour_stats;     // "" when hour_stats agrees with readings, else the first mismatch
  std::string blocks;         // "" when every reading block is well formed, else the first flaw
};

// Opens the file as the restarted server would (recovering the WAL left by
// the kill) and reads every reading.
DatabaseState ReadDatabase(const std::string& path, const Target& target) {
  DatabaseState state;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    state.error = "cannot open: " + std::string(sqlite3_errmsg(db));
    sqlite3_close(db);
    return state;
  }
  // Leave the WAL as the kill left it, so that the next server start
  // recovers from it itself instead of finding a file this test tidied up.
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(db, 5000);

  auto for_each_row = [&](const char* sql, auto on_row) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step(statement)) == SQLITE_ROW) on_row(statement);
    }
    if (rc != SQLITE_DONE && state.error.empty()) {
      state.error = std::string(sql) + ": " + sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
  };

  for_each_row("PRAGMA integrity_check", [&](sqlite3_stmt* row) {
    if (!state.integrity.empty()) state.integrity += "; ";
    state.integrity += reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
  });
  // docs/api.md "Identities and setup": reading ids are unique across the whole server (the schema
  // does not enforce it, so a reused id counter would go unnoticed otherwise).
  std::set<int64_t> ids;
  for (const FileReading& file : ReadFileReadings(db)) {
    if (!ids.insert(file.stored.id).second) state.duplicate_ids += 1;
    int input = -1;
    for (int i = 0; i < kInputs; ++i) {
      if (target.input_pks[i] == file.input_pk) input = i;
    }
    if (input < 0) {
      state.foreign_rows += 1;
      continue;
    }
    state.rows[RowKey(input, file.stored.reading.timestamp.micros)] =
        StoredRow{file.stored.id, file.stored.reading.value};
  }
  // The per-hour aggregates that statistics are answered from must have
  // been committed with the readings, never apart from them.
  if (::testing::AssertionResult match = HourStatsMatchReadings(db); !match) {
    state.hour_stats = match.message();
  }
  if (::testing::AssertionResult formed = BlocksWellFormed(db); !formed) {
    state.blocks = formed.message();
  }
  sqlite3_close(db);
  return state;
}

// Joins every thread, or aborts the whole test when one is still blocked
// after the deadline: a hung client must not turn into a hung CI job.
void JoinAll(std::vector<std::thread>& threads, std::atomic<int>& finished, std::mutex& mutex,
             std::condition_variable& all_finished) {
  {
    std::unique_lock lock(mutex);
    const bool done = all_finished.wait_for(
        lock, kJoinDeadline, [&] { return finished.load() == static_cast<int>(threads.size()); });
    if (!done) {
      std::fprintf(stderr,
                   "crash test: %d of %zu client threads still blocked %llds after the "
                   "kill; aborting\n",
                   static_cast<int>(threads.size()) - finished.load(), threads.size(),
                   static_cast<long long>(kJoinDeadline.count()));
      std::abort();
    }
  }
  for (std::thread& thread : threads) thread.join();
}

TEST(CrashTest, AcknowledgedUploadsSurviveKill9) {
  // A write on a socket the killed server left makes EPIPE, never a signal
  // that would end this process (asio sends with MSG_NOSIGNAL; this is the
  // belt to its braces).
  signal(SIGPIPE, SIG_IGN);
  const int rounds = static_cast<int>(IntFromEnv("DATACOOEE_CRASH_ROUNDS", kDefaultRounds));
  const uint64_t seed = static_cast<uint64_t>(
      IntFromEnv("DATACOOEE_CRASH_SEED", std::random_device{}() & 0x7fffffff));
  std::printf("[crash] seed %llu (replay with DATACOOEE_CRASH_SEED=%llu), %d rounds, %d clients\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), rounds,
              kClientThreads);
  std::mt19937_64 rng(seed);

  TempDir dir;
  const std::string db_path = dir.path() + "/crash.db";
  const std::string db_url = "sqlite:" + db_path;
  const Target target = CreateTarget(db_url, db_path);
  ASSERT_FALSE(::testing::Test::HasFailure()) << "setup failed";

  std::vector<Ledger> ledgers;
  for (int owner = 0; owner < kOwners; ++owner) ledgers.emplace_back(owner, kOwners);
  RoundStats totals;
  int64_t total_rows = 0;

  // Starts the server on the file and checks that one upload is accepted at
  // once (a server still recovering or refusing would fail here). Returns
  // the time from process start to the 201.
  auto start_and_probe = [&](int round, std::optional<ServerProcess>& server) -> int64_t {
    const Clock::time_point start = Clock::now();
    server.emplace(db_url);
    std::optional<HttpClient> client;
    std::atomic<bool> no_kill{false};
    Ledger& probe = ledgers[kProbeOwner];
    probe.BeginRound(round);
    const Outcome outcome =
        SendUpload(client, server->port(), target, probe, probe.Plan(rng), no_kill);
    EXPECT_EQ(outcome, Outcome::kAcknowledged)
        << "round " << round << ": the restarted server did not accept an upload; stderr:\n"
        << server->StderrText();
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  };

  for (int round = 0; round < rounds; ++round) {
    const HangWatchdog watchdog(kRoundDeadline, "crash test round " + std::to_string(round + 1));
    std::optional<ServerProcess> server;
    const int64_t ready_ms = start_and_probe(round, server);
    if (::testing::Test::HasFailure()) break;
    for (int owner = 0; owner < kClientThreads; ++owner) ledgers[owner].BeginRound(round);

    std::atomic<bool> kill_sent{false};
    std::atomic<int> finished{0};
    std::mutex finished_mutex;
    std::condition_variable all_finished;
    std::vector<std::thread> threads;
    for (int owner = 0; owner < kClientThreads; ++owner) {
      threads.emplace_back([&, owner, port = server->port(), client_seed = rng()] {
        RunClient(port, target, ledgers[owner], client_seed, kill_sent);
        std::lock_guard lock(finished_mutex);
        finished += 1;
        all_finished.notify_one();
      });
    }
    const int delay_ms = std::uniform_int_distribution<int>(kMinKillDelayMs, kMaxKillDelayMs)(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    // Set before the signal: a connection failing while it is still false
    // failed on its own, which is a server bug.
    kill_sent = true;
    const int status = server->Stop(SIGKILL);
    JoinAll(threads, finished, finished_mutex, all_finished);
    // A server that died before the kill (a crash, a sanitizer report)
    // would not have been killed by our signal.
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "round " << round << ": the server ended on its own (status " << status
        << ") before the kill; stderr:\n"
        << server->StderrText();

    // What the killed server acknowledged but had not merged is in its
    // ingest log; a restart merges it before it listens. The file is read
    // after a clean stop of that restart, so it alone holds everything.
    const Clock::time_point recovery_start = Clock::now();
    {
      ServerProcess recovering(db_url);
      const int recovered = recovering.Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(recovered) && WEXITSTATUS(recovered) == 0)
          << "round " << round << ": the restart after the kill failed; stderr:\n"
          << recovering.StderrText();
    }
    const int64_t recovery_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - recovery_start)
            .count();
    EXPECT_FALSE(IngestLogHasSegments(db_path)) << "round " << round;
    const DatabaseState database = ReadDatabase(db_path, target);
    EXPECT_EQ(database.error, "") << "round " << round;
    EXPECT_EQ(database.integrity, "ok") << "round " << round << ": PRAGMA integrity_check";
    EXPECT_EQ(database.foreign_rows, 0) << "round " << round;
    EXPECT_EQ(database.duplicate_ids, 0) << "round " << round << ": reading ids reused";
    EXPECT_EQ(database.hour_stats, "")
        << "round " << round << ": hour_stats disagrees with readings";
    EXPECT_EQ(database.blocks, "") << "round " << round << ": a reading block is malformed";

    RoundStats round_stats;
    size_t durable = 0;
    std::vector<std::string> problems;
    for (Ledger& ledger : ledgers) {
      ledger.VerifyAndResolve(database.rows, target.input_ids, round);
      round_stats += ledger.stats();
      durable += ledger.durable_keys();
      for (std::string& problem : ledger.TakeProblems()) problems.push_back(std::move(problem));
    }
    // Rows no ledger accounts for were stored by no request of this test.
    const int64_t unexplained_rows =
        static_cast<int64_t>(database.rows.size()) - static_cast<int64_t>(durable);

    std::printf(
        "[crash] round %d/%d: ready %lld ms, kill after %d ms, restart and stop %lld ms; "
        "acknowledged %lld readings in %lld "
        "requests (%lld batches, %lld replaced readings), %lld rejected; unknown outcome %lld "
        "(%lld stored, %lld not); rows %zu; lost %lld, phantom %lld, ids changed %lld, partial "
        "batches %lld\n",
        round + 1, rounds, static_cast<long long>(ready_ms), delay_ms,
        static_cast<long long>(recovery_ms),
        static_cast<long long>(round_stats.readings_acknowledged),
        static_cast<long long>(round_stats.requests_acknowledged),
        static_cast<long long>(round_stats.batches_acknowledged),
        static_cast<long long>(round_stats.replacements_acknowledged),
        static_cast<long long>(round_stats.rejected),
        static_cast<long long>(round_stats.unknown_requests),
        static_cast<long long>(round_stats.unknown_applied),
        static_cast<long long>(round_stats.unknown_not_applied), database.rows.size(),
        static_cast<long long>(round_stats.lost), static_cast<long long>(round_stats.phantom),
        static_cast<long long>(round_stats.ids_changed),
        static_cast<long long>(round_stats.partial_batches));
    std::fflush(stdout);

    for (size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i) {
      ADD_FAILURE() << "seed " << seed << ", " << problems[i];
    }
    EXPECT_EQ(round_stats.lost, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(round_stats.phantom, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(round_stats.ids_changed, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(round_stats.partial_batches, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(round_stats.early_disconnects, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(round_stats.unexpected_statuses, 0) << "round " << round << ", seed " << seed;
    EXPECT_EQ(unexplained_rows, 0) << "round " << round << ", seed " << seed;
    totals += round_stats;
    total_rows = static_cast<int64_t>(database.rows.size());
    if (::testing::Test::HasFailure()) break;  // later rounds would only repeat the noise
  }

  // The last round's file, too, must come back and take uploads.
  if (!::testing::Test::HasFailure()) {
    const HangWatchdog watchdog(kRoundDeadline, "crash test final restart");
    std::optional<ServerProcess> server;
    const int64_t ready_ms = start_and_probe(rounds, server);
    std::printf("[crash] final restart: ready %lld ms\n", static_cast<long long>(ready_ms));
  }

  std::printf(
      "[crash] summary: %d rounds, %lld readings acknowledged (%lld requests), %lld lost, %lld "
      "unknown-outcome requests (%lld stored, %lld not), %lld rows in the file, seed %llu\n",
      rounds, static_cast<long long>(totals.readings_acknowledged),
      static_cast<long long>(totals.requests_acknowledged), static_cast<long long>(totals.lost),
      static_cast<long long>(totals.unknown_requests),
      static_cast<long long>(totals.unknown_applied),
      static_cast<long long>(totals.unknown_not_applied), static_cast<long long>(total_rows),
      static_cast<unsigned long long>(seed));
  EXPECT_EQ(totals.lost, 0);
}

}  // namespace
}  // namespace dc::testing::crash
