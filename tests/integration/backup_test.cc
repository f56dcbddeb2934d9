// `datacooee backup` and `datacooee restore` against the real server
// (docs/operations.md, "Backup and restore"): a backup taken while devices
// upload holds every reading acknowledged before it began, with its value
// and id, and a server started on the restored file serves them; restore
// refuses while the server runs, backup refuses to overwrite a file, and a
// damaged backup is refused without changing anything.

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/fixture.h"
#include "support/file_readings.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kThreads = 4;
constexpr int kBatchSize = 20;

// Every write to one (input, second) by its one owner thread, in order.
struct KeyWrites {
  std::vector<double> values;
  // Index into `values` of the last write whose 201 arrived before the
  // backup began; -1 when none did.
  int acknowledged_before = -1;
  int64_t id = 0;  // from a single upload's 201; 0 when unknown
};
using Ledger = std::map<std::pair<int, int64_t>, KeyWrites>;  // (input index, second)

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// (input_pk, timestamp micros) -> (id, value) of every reading in the file.
std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, double>> FileContents(
    const std::string& path) {
  sqlite3* db = nullptr;
  std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, double>> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  EXPECT_TRUE(BlocksWellFormed(db));
  for (const FileReading& r : ReadFileReadings(db)) {
    rows[{r.input_pk, r.stored.reading.timestamp.micros}] = {r.stored.id, r.stored.reading.value};
  }
  sqlite3_close(db);
  return rows;
}

int64_t FindInputPk(const std::string& db_path, const std::string& input_id) {
  sqlite3* db = nullptr;
  int64_t pk = -1;
  sqlite3_stmt* find = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT pk FROM inputs WHERE id = ?1", -1, &find, nullptr) ==
          SQLITE_OK) {
    sqlite3_bind_text(find, 1, input_id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(find) == SQLITE_ROW) pk = sqlite3_column_int64(find, 0);
  }
  sqlite3_finalize(find);
  sqlite3_close(db);
  EXPECT_GE(pk, 0) << input_id;
  return pk;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_ = dir_.path() + "/live.db";
    org_ = CreateOrg(db_);
    for (int i = 0; i < kThreads; ++i) inputs_.push_back(CreateInput(db_, org_.id));
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // A few acknowledged readings, for the tests that need some content.
  void UploadSome(ServerProcess& server, int count) {
    HttpClient client(server.port());
    for (int n = 0; n < count; ++n) {
      HttpResponse response =
          client.Request("POST", UploadTarget(inputs_[0]), UploadHeaders(org_),
                         SingleBody(Attributes(std::to_string(n), TimestampAt(n)), inputs_[0]));
      ASSERT_EQ(response.status, 201) << response.body;
    }
  }

  TempDir dir_;
  std::string db_;
  OrgInfo org_;
  std::vector<std::string> inputs_;
};

// One thread's uploads until `stop`: mostly single readings at new seconds,
// some batches, some new values for keys it acknowledged already.
void UploadUntil(uint16_t port, const OrgInfo& org, const std::string& input_id, int input,
                 const std::atomic<bool>& stop, const std::atomic<bool>& backup_began,
                 Ledger& ledger, std::mutex& ledger_mu) {
  HttpClient client(port);
  int64_t next_second = input * 10'000'000LL;
  double next_value = input * 10'000'000.0;
  std::vector<int64_t> acknowledged;
  for (int round = 0; !stop.load(); ++round) {
    std::vector<int64_t> seconds;
    if (round % 10 == 9) {
      for (int i = 0; i < kBatchSize; ++i) seconds.push_back(next_second++);
    } else if (round % 10 == 4 && !acknowledged.empty()) {
      seconds.push_back(acknowledged[static_cast<size_t>(round) % acknowledged.size()]);
    } else {
      seconds.push_back(next_second++);
    }
    std::vector<std::string> attributes;
    std::vector<double> values;
    for (int64_t second : seconds) {
      values.push_back(next_value += 0.5);
      attributes.push_back(Attributes(NumberText(values.back()), TimestampAt(second)));
    }
    {
      std::lock_guard<std::mutex> lock(ledger_mu);
      for (size_t i = 0; i < seconds.size(); ++i) {
        ledger[{input, seconds[i]}].values.push_back(values[i]);
      }
    }
    const std::string body =
        seconds.size() == 1 ? SingleBody(attributes[0], input_id) : BatchBody(attributes, input_id);
    HttpResponse response =
        client.Request("POST", UploadTarget(input_id), UploadHeaders(org), body);
    // Read before the answer is looked at: a 201 that arrived before the
    // flag was set was certainly acknowledged before the backup began.
    const bool before = !backup_began.load();
    ASSERT_EQ(response.status, 201) << response.body;
    std::string id;
    if (seconds.size() == 1) {
      const rapidjson::Document created = ParseJson(response.body);
      ASSERT_TRUE(created.IsObject() && created.HasMember("data") && created["data"].IsObject() &&
                  created["data"]["id"].IsString())
          << response.body;
      id = created["data"]["id"].GetString();
    }
    std::lock_guard<std::mutex> lock(ledger_mu);
    for (int64_t second : seconds) {
      KeyWrites& key = ledger[{input, second}];
      if (before) key.acknowledged_before = static_cast<int>(key.values.size()) - 1;
      if (!id.empty()) {
        if (key.id != 0) {
          EXPECT_EQ(key.id, std::stoll(id)) << "a replacement kept its id";
        }
        key.id = std::stoll(id);
      }
      acknowledged.push_back(second);
    }
  }
}

// The fewest readings any input has acknowledged so far.
size_t FewestAcknowledged(const Ledger& ledger, std::mutex& ledger_mu) {
  std::vector<size_t> per_input(kThreads, 0);
  std::lock_guard<std::mutex> lock(ledger_mu);
  for (const auto& [key, writes] : ledger) ++per_input[static_cast<size_t>(key.first)];
  return *std::min_element(per_input.begin(), per_input.end());
}

TEST_F(BackupTest, BackupDuringUploadsHoldsEveryReadingAcknowledgedBeforeIt) {
  auto server = std::make_unique<ServerProcess>(db_);
  std::atomic<bool> stop{false};
  std::atomic<bool> backup_began{false};
  Ledger ledger;
  std::mutex ledger_mu;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back(UploadUntil, server->port(), std::cref(org_), std::cref(inputs_[i]), i,
                         std::cref(stop), std::cref(backup_began), std::ref(ledger),
                         std::ref(ledger_mu));
  }
  // Until every input has enough readings for the check to mean something:
  // a fixed time gave too few under ASan on a loaded machine (85 of 100).
  const auto enough_by = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (FewestAcknowledged(ledger, ledger_mu) <= 150 &&
         std::chrono::steady_clock::now() < enough_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  backup_began.store(true);
  const CommandResult backup = RunDatacooee({"backup", "--db", db_, "--to", Path("b.db")});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // uploads after it, too
  stop.store(true);
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const rapidjson::Document summary = ParseJson(backup.out);
  ASSERT_TRUE(summary.IsObject()) << backup.out;
  EXPECT_EQ(std::string(summary["path"].GetString()), Path("b.db"));
  EXPECT_EQ(summary["bytes"].GetInt64(),
            static_cast<int64_t>(std::filesystem::file_size(Path("b.db"))));
  EXPECT_GE(summary["seconds"].GetDouble(), 0.0);
  ASSERT_EQ(WEXITSTATUS(server->Stop(SIGTERM)), 0);
  // One self-contained file: nothing of SQLite's or the log's beside it.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.rfind("b.db", 0) != 0 || name == "b.db") << name;
  }

  // Restored into a fresh path, and served.
  const std::string restored = Path("restored.db");
  const CommandResult restore =
      RunDatacooee({"restore", "--db", "sqlite:" + restored, "--from", Path("b.db")});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  const rapidjson::Document restore_summary = ParseJson(restore.out);
  ASSERT_TRUE(restore_summary.IsObject()) << restore.out;
  EXPECT_EQ(restore_summary["readings"].GetInt64(), summary["readings"].GetInt64());
  EXPECT_EQ(CountAllReadings(restored), summary["readings"].GetInt64());

  std::vector<int64_t> before_per_input(kThreads, 0);
  for (const auto& [key, writes] : ledger) {
    if (writes.acknowledged_before >= 0) ++before_per_input[static_cast<size_t>(key.first)];
  }
  ASSERT_GT(before_per_input[0], 100) << "too few uploads to mean anything";
  {
    ServerProcess served(restored);
    HttpClient client(served.port());
    for (int i = 0; i < kThreads; ++i) {
      const std::string window = "&timeperiod_start=" + UrlEncode("2000-01-01 00:00:00") +
                                 "&timeperiod_finish=" + UrlEncode("2100-01-01 00:00:00");
      HttpResponse stats = client.Request(
          "GET",
          std::string(kFetchBase) + "get_statistics_inputdata_by_inputs?input_ids=" + inputs_[i] +
              "&aggregation_func=count" + window,
          {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}});
      ASSERT_EQ(stats.status, 200) << stats.body;
      const rapidjson::Document json = ParseJson(stats.body);
      ASSERT_TRUE(json.IsArray() && json.Size() == 1) << stats.body;
      const int64_t count = json[0]["inputdata"][0]["count"].GetInt64();
      EXPECT_GE(count, before_per_input[static_cast<size_t>(i)]) << inputs_[i];
      EXPECT_EQ(count, CountReadings(restored, inputs_[i])) << inputs_[i];
    }
    ASSERT_EQ(WEXITSTATUS(served.Stop(SIGTERM)), 0);
  }

  // Every reading acknowledged before the backup, with a value no older
  // than the one acknowledged then, and the id it has in the live file;
  // nothing in the backup that was never sent.
  const auto live_rows = FileContents(db_);
  const auto restored_rows = FileContents(restored);
  std::vector<int64_t> pks;
  for (const std::string& input : inputs_) {
    pks.push_back(FindInputPk(db_, input));
  }
  int64_t checked = 0;
  for (const auto& [key, writes] : ledger) {
    const std::pair<int64_t, int64_t> row_key{pks[static_cast<size_t>(key.first)],
                                              TimestampMicrosAt(key.second)};
    auto found = restored_rows.find(row_key);
    if (writes.acknowledged_before < 0 && found == restored_rows.end()) continue;
    ASSERT_NE(found, restored_rows.end()) << "input " << key.first << " second " << key.second
                                          << " acknowledged but not in the backup";
    const std::vector<double> allowed(
        writes.values.begin() + std::max(writes.acknowledged_before, 0), writes.values.end());
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), found->second.second), allowed.end())
        << "input " << key.first << " second " << key.second << " has value "
        << found->second.second;
    auto live = live_rows.find(row_key);
    ASSERT_NE(live, live_rows.end());
    EXPECT_EQ(found->second.first, live->second.first) << "the id changed";
    if (writes.id != 0) {
      EXPECT_EQ(found->second.first, writes.id);
    }
    ++checked;
  }
  EXPECT_EQ(static_cast<size_t>(checked), restored_rows.size()) << "readings nobody sent";
}

TEST_F(BackupTest, RestoreRefusesWhileTheServerRunsAndChangesNothing) {
  {
    ServerProcess server(db_);
    UploadSome(server, 5);
    ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0);
  }
  ASSERT_EQ(RunDatacooee({"backup", "--db", db_, "--to", Path("b.db")}).exit_code, 0);
  ServerProcess server(db_);
  UploadSome(server, 8);
  const CommandResult restore = RunDatacooee({"restore", "--db", db_, "--from", Path("b.db")});
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_EQ(restore.out, "");
  EXPECT_NE(restore.err.find("stop the server first"), std::string::npos) << restore.err;
  EXPECT_EQ(CountReadings(db_, inputs_[0]), 8);
  // The server goes on as before.
  HttpClient client(server.port());
  EXPECT_EQ(client
                .Request("POST", UploadTarget(inputs_[0]), UploadHeaders(org_),
                         SingleBody(Attributes("9", TimestampAt(100)), inputs_[0]))
                .status,
            201);
  ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0);
  EXPECT_EQ(CountReadings(db_, inputs_[0]), 9);

  // Stopped, the same restore goes through, onto the same path.
  const CommandResult again = RunDatacooee({"restore", "--db", db_, "--from", Path("b.db")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(CountReadings(db_, inputs_[0]), 5);
  ServerProcess restarted(db_);
  EXPECT_EQ(CountReadings(db_, inputs_[0]), 5);
  ASSERT_EQ(WEXITSTATUS(restarted.Stop(SIGTERM)), 0);
}

TEST_F(BackupTest, BackupRefusesAnExistingFileUnlessForced) {
  ServerProcess server(db_);
  UploadSome(server, 3);
  const std::string target = Path("taken.db");
  { std::ofstream(target) << "precious"; }
  const CommandResult refused = RunDatacooee({"backup", "--db", db_, "--to", target});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("exists"), std::string::npos) << refused.err;
  EXPECT_EQ(ReadWholeFile(target), "precious");
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().filename().string().rfind("taken.db.tmp", 0) == 0)
      left.push_back(entry.path());
  }
  EXPECT_TRUE(left.empty()) << left[0];

  const CommandResult forced = RunDatacooee({"backup", "--db", db_, "--to", target, "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(ParseJson(forced.out)["readings"].GetInt64(), 3);
  EXPECT_EQ(CountAllReadings(target), 3);
  ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0);
}

TEST_F(BackupTest, RestoreRefusesADamagedBackupAndChangesNothing) {
  {
    ServerProcess server(db_);
    UploadSome(server, 4);
    ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0);
  }
  ASSERT_EQ(RunDatacooee({"backup", "--db", db_, "--to", Path("b.db")}).exit_code, 0);
  const std::string before = ReadWholeFile(db_);
  // Damaged: pages overwritten in the middle of the file; and not a
  // database at all; and a database of another application.
  std::string damaged = ReadWholeFile(Path("b.db"));
  ASSERT_GT(damaged.size(), 3 * 4096u);
  for (size_t i = 4096 + 100; i < damaged.size() - 100; i += 7) damaged[i] = '\x5a';
  { std::ofstream(Path("damaged.db"), std::ios::binary) << damaged; }
  { std::ofstream(Path("text.db")) << "not a database, just text of some length........"; }
  {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(Path("other.db").c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
  }
  for (const std::string name : {"damaged.db", "text.db", "other.db", "missing.db"}) {
    SCOPED_TRACE(name);
    const CommandResult restore = RunDatacooee({"restore", "--db", db_, "--from", Path(name)});
    EXPECT_EQ(restore.exit_code, 1);
    EXPECT_EQ(restore.out, "");
    EXPECT_NE(restore.err.find("nothing was changed"), std::string::npos) << restore.err;
    EXPECT_EQ(ReadWholeFile(db_), before);
  }
  ServerProcess server(db_);
  EXPECT_EQ(CountReadings(db_, inputs_[0]), 4);
  ASSERT_EQ(WEXITSTATUS(server.Stop(SIGTERM)), 0);
}

}  // namespace
}  // namespace dc::testing
