// Crash-consistency test: uploads from 32 keep-alive connections, kill -9 of
// the server at a random moment, then a look at what is stored: through the
// API of a restarted server on every backend, and on SQLite also at the file
// itself. The "pg." and "citus." runs do the same on PostgreSQL and Citus
// (support/test_database.h).
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

#include <algorithm>
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

#include "crash/api_readings.h"
#include "crash/upload_ledger.h"
#include "storage/hour_stats_check.h"
#include "storage/store_factory.h"
#include "support/file_readings.h"
#include "support/hang_watchdog.h"
#include "support/http_client.h"
#include "support/ingest_log_files.h"
#include "support/server_process.h"
#include "support/test_database.h"

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

  Headers Credentials() const {
    return {{"ORGANIZATION-ID", org_id}, {"ORGANIZATION-API-KEY", api_key}};
  }
  Headers UploadHeaders() const {
    Headers headers = Credentials();
    headers.emplace_back("Content-Type", "application/vnd.api+json");
    return headers;
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
// reads the inputs' pks (the key of the stored readings) from the catalog.
Target CreateTarget(const std::string& db_url) {
  Target target;
  rapidjson::Document org = RunSetup({"org", "create", "--db", db_url, "--name", "crash test"});
  target.org_id = JsonString(org, "id");
  target.api_key = JsonString(org, "api_key");
  for (int i = 0; i < kInputs; ++i) {
    rapidjson::Document input = RunSetup({"input", "create", "--db", db_url, "--org", target.org_id,
                                          "--name", "sensor " + std::to_string(i), "--unit", "C"});
    target.input_ids[i] = JsonString(input, "id");
  }
  Result<std::unique_ptr<Store>> store = OpenStore(db_url, StoreOptions{.write_readings = false});
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  if (!store) return target;
  Result<CatalogData> catalog = (*store)->LoadCatalog();
  EXPECT_TRUE(catalog.has_value()) << catalog.error().ToString();
  if (!catalog) return target;
  for (int i = 0; i < kInputs; ++i) {
    for (const Input& input : catalog->inputs) {
      if (input.id == target.input_ids[i]) target.input_pks[i] = input.pk;
    }
    EXPECT_NE(target.input_pks[i], 0) << "input " << target.input_ids[i] << " not stored";
  }
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

// What a restart after the kill finds stored, checked as far as the backend
// lets a test look.
struct StoredState {
  StoredRows rows;
};

// Restarts the server on the database the kill left and reads what it
// holds. Through the API on every backend; on SQLite the restart merges
// what the killed server acknowledged but had not merged (its ingest log)
// before it listens, and after its clean stop the file alone holds
// everything, so the file is read and checked too.
StoredState ReadAfterRestart(const TestDatabase& database, const std::string& db_path,
                             const Target& target, int round) {
  StoredState stored;
  {
    ServerProcess restarted(database.url());
    const ApiState api = ReadThroughApi(restarted.port(), target.Credentials(), target.input_ids);
    EXPECT_EQ(api.error, "") << "round " << round;
    EXPECT_EQ(api.statistics, "") << "round " << round
                                  << ": statistics disagree with the raw readings";
    stored.rows = api.rows;
    const int stopped = restarted.Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0)
        << "round " << round << ": the restart after the kill failed; stderr:\n"
        << restarted.StderrText();
  }
  if (!database.is_sqlite()) return stored;

  EXPECT_FALSE(IngestLogHasSegments(db_path)) << "round " << round;
  const DatabaseState file = ReadDatabase(db_path, target);
  EXPECT_EQ(file.error, "") << "round " << round;
  EXPECT_EQ(file.integrity, "ok") << "round " << round << ": PRAGMA integrity_check";
  EXPECT_EQ(file.foreign_rows, 0) << "round " << round;
  EXPECT_EQ(file.duplicate_ids, 0) << "round " << round << ": reading ids reused";
  EXPECT_EQ(file.hour_stats, "") << "round " << round << ": hour_stats disagrees with readings";
  EXPECT_EQ(file.blocks, "") << "round " << round << ": a reading block is malformed";
  // The file and the API must tell the same readings; the file adds ids.
  EXPECT_EQ(file.rows.size(), stored.rows.size()) << "round " << round;
  for (const auto& [key, row] : file.rows) {
    auto seen = stored.rows.find(key);
    EXPECT_TRUE(seen != stored.rows.end() && seen->second.value == row.value)
        << "round " << round << ": the file's reading " << key << " is not what the API answers";
    if (::testing::Test::HasFailure()) break;
  }
  stored.rows = file.rows;
  return stored;
}

// Ids shared by two stored keys, over every ledger.
int64_t DuplicateIds(const std::vector<Ledger>& ledgers) {
  std::vector<int64_t> ids;
  for (const Ledger& ledger : ledgers) ledger.AppendKnownIds(ids);
  std::sort(ids.begin(), ids.end());
  return static_cast<int64_t>(ids.size()) -
         static_cast<int64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
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

  DC_TEST_DATABASE_OR_SKIP();
  TempDir dir;
  const TestDatabase database(dir, "crash.db");
  const std::string& db_url = database.url();
  const std::string db_path = dir.File("crash.db");  // on SQLite
  const Target target = CreateTarget(db_url);
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

    const Clock::time_point recovery_start = Clock::now();
    const StoredState stored = ReadAfterRestart(database, db_path, target, round);
    const int64_t recovery_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - recovery_start)
            .count();

    RoundStats round_stats;
    size_t durable = 0;
    std::vector<std::string> problems;
    for (Ledger& ledger : ledgers) {
      ledger.VerifyAndResolve(stored.rows, target.input_ids, round);
      round_stats += ledger.stats();
      durable += ledger.durable_keys();
      for (std::string& problem : ledger.TakeProblems()) problems.push_back(std::move(problem));
    }
    // Rows no ledger accounts for were stored by no request of this test.
    const int64_t unexplained_rows =
        static_cast<int64_t>(stored.rows.size()) - static_cast<int64_t>(durable);

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
        static_cast<long long>(round_stats.unknown_not_applied), stored.rows.size(),
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
    // docs/api.md "Identities and setup": reading ids are unique across the
    // whole server, as the 201s (and on SQLite the file) tell them.
    EXPECT_EQ(DuplicateIds(ledgers), 0) << "round " << round << ": reading ids reused";
    totals += round_stats;
    total_rows = static_cast<int64_t>(stored.rows.size());
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
      "unknown-outcome requests (%lld stored, %lld not), %lld rows stored, seed %llu\n",
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
