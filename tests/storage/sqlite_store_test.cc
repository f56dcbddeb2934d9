// Behaviour of the SQLite backend that the Store contract does not cover:
// the file it makes, its schema and migrations, and how it fails.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "storage/raw_db.h"
#include "storage/sqlite/schema.h"
#include "storage/store.h"
#include "support/file_readings.h"
#include "support/ingest_log_files.h"
#include "support/temp_dir.h"

namespace dc::sqlite {
namespace {

using ::dc::testing::BlocksWellFormed;
using ::dc::testing::FileReading;
using ::dc::testing::IngestLogHasSegments;
using ::dc::testing::RawDb;
using ::dc::testing::ReadFileReadings;
using ::dc::testing::TempDir;
using Ids = std::vector<std::vector<int64_t>>;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  Result<std::unique_ptr<SqliteStore>> Open(const StoreOptions& options = {}) {
    return SqliteStore::Open(path_, options);
  }
  std::unique_ptr<SqliteStore> OpenOrDie(const StoreOptions& options = {}) {
    Result<std::unique_ptr<SqliteStore>> store = Open(options);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store.has_value() ? std::move(*store) : nullptr;
  }

  TempDir dir_;
  const std::string path_ = dir_.File("store.db");
};

// One org with one input; returns the input's pk.
int64_t AddInput(Store& store) {
  EXPECT_TRUE(
      store.CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "s", .key_hash = "h"}).ok());
  Result<Input> input = store.CreateInput(Input{.pk = 0,
                                                .id = "sen1",
                                                .org_id = "o",
                                                .name = "In",
                                                .measure_unit = "",
                                                .data_source = DataSource::kApi});
  EXPECT_TRUE(input.has_value()) << input.error().ToString();
  return input.has_value() ? input->pk : 0;
}

Result<Ids> WriteRange(Store& store, int64_t input_pk, int64_t first_ts, int count) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < count; ++i) {
    Reading reading;
    reading.timestamp = Timestamp{first_ts + i};
    reading.value = i;
    reading.metadata = R"({"padding":"................................................"})";
    batch.readings.push_back(reading);
  }
  const IngestBatch* pointers[] = {&batch};
  return store.WriteBatches(pointers);
}

TEST_F(SqliteStoreTest, NewFileIsInWalModeAtTheLatestSchemaVersion) {
  ASSERT_NE(OpenOrDie(), nullptr);
  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.Query("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.Query("SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(raw.Query("SELECT version FROM schema_version"), std::to_string(kLatestSchemaVersion));
  EXPECT_EQ(raw.Query("SELECT value FROM meta WHERE key = 'next_reading_id'"), "1");
  EXPECT_EQ(raw.Query("SELECT count(*) FROM meta WHERE key = 'catalog_version'"), "1");
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheVersionAndData) {
  {
    std::unique_ptr<SqliteStore> store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    AddInput(*store);
  }
  std::unique_ptr<SqliteStore> store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->FindOrg("o").has_value());
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("SELECT version FROM schema_version"), std::to_string(kLatestSchemaVersion));
}

TEST_F(SqliteStoreTest, NextReadingIdIsPersistedPastTheLargestId) {
  std::unique_ptr<SqliteStore> store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  ASSERT_TRUE(WriteRange(*store, pk, 0, 10).has_value());
  ASSERT_TRUE(WriteRange(*store, pk, 5, 10).has_value());  // 5 replaced, 5 new
  ASSERT_TRUE(store->Flush().ok());
  RawDb raw(path_);
  int64_t max_id = 0;
  for (const FileReading& file : ReadFileReadings(raw.get())) {
    max_id = std::max(max_id, file.stored.id);
  }
  EXPECT_EQ(std::to_string(max_id + 1),
            raw.Query("SELECT value FROM meta WHERE key = 'next_reading_id'"));
  EXPECT_EQ(raw.Query("SELECT coalesce(sum(count), 0) FROM reading_blocks"), "15");
}

TEST_F(SqliteStoreTest, UpgradesAVersion1FileKeepingTheCatalog) {
  {
    RawDb raw(path_);
    ASSERT_TRUE(raw.ok());
    Status status = MigrateToForTesting(raw.get(), 1);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(raw.Query("SELECT version FROM schema_version"), "1");
    ASSERT_EQ(raw.Query("SELECT count(*) FROM sqlite_schema WHERE name = 'readings'"), "0");
    ASSERT_EQ(raw.Query("INSERT INTO orgs VALUES ('o', 'Old org', x'01', x'02');"
                        "INSERT INTO inputs(pk, id, org_id, name, measure_unit, data_source) "
                        "VALUES (7, 'senold', 'o', 'Old input', 'kW', 'MQTT');"
                        "INSERT INTO assets VALUES (67, 'o', 'Old asset');"
                        "INSERT INTO asset_inputs VALUES (67, 0, 7);"
                        "UPDATE meta SET value = 41 WHERE key = 'catalog_version';"),
              "");
  }
  std::unique_ptr<SqliteStore> store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  {
    RawDb raw(path_);
    EXPECT_EQ(raw.Query("SELECT version FROM schema_version"),
              std::to_string(kLatestSchemaVersion));
    EXPECT_EQ(raw.Query("SELECT count(*) FROM schema_version"), "1");
  }
  Result<CatalogData> catalog = store->LoadCatalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  EXPECT_EQ(catalog->version, 41);
  ASSERT_EQ(catalog->orgs.size(), 1u);
  EXPECT_EQ(catalog->orgs[0].name, "Old org");
  EXPECT_EQ(catalog->orgs[0].key_salt, "\x01");
  ASSERT_EQ(catalog->inputs.size(), 1u);
  EXPECT_EQ(catalog->inputs[0].pk, 7);
  EXPECT_EQ(catalog->inputs[0].data_source, DataSource::kMqtt);
  ASSERT_EQ(catalog->assets.size(), 1u);
  EXPECT_EQ(catalog->assets[0].input_ids, (std::vector<std::string>{"senold"}));

  Result<Ids> ids = WriteRange(*store, 7, 0, 3);
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  EXPECT_EQ((*ids)[0], (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(SqliteStoreTest, MigrateToForTestingRejectsUnknownVersions) {
  RawDb raw(path_);
  EXPECT_TRUE(MigrateToForTesting(raw.get(), 0).IsInvalidArgument());
  EXPECT_TRUE(MigrateToForTesting(raw.get(), kLatestSchemaVersion + 1).IsInvalidArgument());
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerBinary) {
  ASSERT_NE(OpenOrDie(), nullptr);
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.Query("UPDATE schema_version SET version = " +
                        std::to_string(kLatestSchemaVersion + 1)),
              "");
  }
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().IsInvalidArgument()) << store.error().ToString();
  EXPECT_NE(store.error().detail().find("newer"), std::string::npos) << store.error().ToString();
  EXPECT_NE(store.error().detail().find(path_), std::string::npos) << store.error().ToString();
  RawDb raw(path_);  // left as it was
  EXPECT_EQ(raw.Query("SELECT version FROM schema_version"),
            std::to_string(kLatestSchemaVersion + 1));
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.Query("CREATE TABLE invoices(id INTEGER PRIMARY KEY)"), "");
  }
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().IsInvalidArgument()) << store.error().ToString();
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("SELECT count(*) FROM sqlite_schema"), "1");  // untouched
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  {
    std::ofstream out(path_);
    out << "this is a text file, not an SQLite database, and it is long enough to be read. "
           "..............................................................................";
  }
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store.has_value());
  EXPECT_FALSE(store.error().IsUnavailable()) << store.error().ToString();
  EXPECT_NE(store.error().detail().find(path_), std::string::npos) << store.error().ToString();
}

TEST_F(SqliteStoreTest, IntegrityCheckIsOkAfterWrites) {
  std::unique_ptr<SqliteStore> store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(WriteRange(*store, pk, i * 100, 150).has_value());
  ASSERT_TRUE(store->CreateAsset(Asset{.id = 0, .org_id = "o", .name = "A", .input_ids = {"sen1"}})
                  .has_value());
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.Query("PRAGMA foreign_key_check"), "");
}

TEST_F(SqliteStoreTest, MissingDirectoryIsUnavailableAndNamesThePath) {
  const std::string path = dir_.File("no/such/dir/store.db");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, {});
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().IsUnavailable()) << store.error().ToString();
  EXPECT_NE(store.error().detail().find(path), std::string::npos) << store.error().ToString();
}

TEST_F(SqliteStoreTest, ReadOnlyDirectoryIsUnavailable) {
  const std::string locked = dir_.File("locked");
  ASSERT_EQ(mkdir(locked.c_str(), 0555), 0);
  if (access(locked.c_str(), W_OK) == 0) {
    GTEST_SKIP() << "running with permission to write anywhere (root?)";
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(locked + "/store.db", {});
  ASSERT_FALSE(store.has_value());
  EXPECT_TRUE(store.error().IsUnavailable()) << store.error().ToString();
}

TEST_F(SqliteStoreTest, AFailingMergeKeepsReadingsInTheLogAndReadsWaitForIt) {
  std::unique_ptr<SqliteStore> store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  Result<Ids> before = WriteRange(*store, pk, 0, 10);
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(store->Flush().ok());

  // The database may not grow past its current size: merges fail exactly
  // as on a full disk. The upload is acknowledged all the same (it is in
  // the log), and reads say Unavailable rather than answer without it.
  ASSERT_TRUE(store->ExecOnWriterForTesting("PRAGMA max_page_count = 1").ok());
  Result<Ids> logged = WriteRange(*store, pk, 5, 5000);
  ASSERT_TRUE(logged.has_value()) << logged.error().ToString();
  Result<int64_t> count = store->CountReadings(pk);
  ASSERT_FALSE(count.has_value());
  EXPECT_TRUE(count.error().IsUnavailable()) << count.error().ToString();
  EXPECT_NE(count.error().detail().find("full"), std::string::npos) << count.error().ToString();
  EXPECT_TRUE(IngestLogHasSegments(path_));

  // Once the database may grow again, the next retry merges everything.
  ASSERT_TRUE(store->ExecOnWriterForTesting("PRAGMA max_page_count = 1073741823").ok());
  Result<int64_t> after = Status::Internal("not read");
  for (int i = 0; i < 300 && !after.has_value(); ++i) after = store->CountReadings(pk);
  ASSERT_TRUE(after.has_value()) << after.error().ToString();
  EXPECT_EQ(*after, 5005);
  EXPECT_EQ((*logged)[0][0], (*before)[0][5]);  // replaced, same id
  EXPECT_GT((*logged)[0][5], (*before)[0].back());
  EXPECT_FALSE(IngestLogHasSegments(path_));
  RawDb raw(path_);
  std::set<int64_t> ids;
  const std::vector<FileReading> stored = ReadFileReadings(raw.get());
  for (const FileReading& file : stored) ids.insert(file.stored.id);
  EXPECT_EQ(ids.size(), stored.size()) << "reading ids reused";
  EXPECT_EQ(raw.Query("PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteStoreTest, AnotherProcessHoldingTheWriteLockDelaysMergesNotUploads) {
  StoreOptions options;
  options.busy_timeout_ms = 50;
  std::unique_ptr<SqliteStore> store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);

  RawDb other(path_);
  ASSERT_EQ(other.Query("BEGIN IMMEDIATE"), "");
  Result<Ids> logged = WriteRange(*store, pk, 0, 3);
  ASSERT_TRUE(logged.has_value()) << logged.error().ToString();
  EXPECT_EQ((*logged)[0], (std::vector<int64_t>{1, 2, 3}));
  Status org =
      store->CreateOrg(Organisation{.id = "o2", .name = "O2", .key_salt = "", .key_hash = ""});
  EXPECT_TRUE(org.IsUnavailable()) << org.ToString();
  Result<int64_t> count = store->CountReadings(pk);
  ASSERT_FALSE(count.has_value());
  EXPECT_TRUE(count.error().IsUnavailable()) << count.error().ToString();
  // Catalog reads are not blocked by a writer (WAL).
  EXPECT_TRUE(store->CatalogVersion().has_value());
  EXPECT_TRUE(store->LoadCatalog().has_value());

  // While merges fail, uploads are refused rather than acknowledged and
  // left unreadable.
  Result<Ids> refused = WriteRange(*store, pk, 10, 3);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(refused.error().IsUnavailable()) << refused.error().ToString();

  ASSERT_EQ(other.Query("ROLLBACK"), "");
  Status merged = Status::Internal("not tried");
  for (int i = 0; i < 300 && !merged.ok(); ++i) merged = store->Flush();
  ASSERT_TRUE(merged.ok()) << merged.ToString();
  Result<Ids> later = WriteRange(*store, pk, 0, 3);
  ASSERT_TRUE(later.has_value()) << later.error().ToString();
  EXPECT_EQ((*later)[0], (std::vector<int64_t>{1, 2, 3}));  // the same readings, replaced
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(store->CountReadings(pk).value(), 3);
}

TEST_F(SqliteStoreTest, AServerSeesChangesMadeThroughACatalogOnlyStore) {
  std::unique_ptr<SqliteStore> server = OpenOrDie();
  std::unique_ptr<SqliteStore> cli = OpenOrDie(StoreOptions{.write_readings = false});
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  const int64_t version = server->CatalogVersion().value();
  const int64_t pk = AddInput(*cli);
  EXPECT_GT(server->CatalogVersion().value(), version);
  Result<CatalogData> catalog = server->LoadCatalog();
  ASSERT_TRUE(catalog.has_value());
  ASSERT_EQ(catalog->inputs.size(), 1u);

  ASSERT_TRUE(WriteRange(*server, pk, 0, 5).has_value());
  Result<Ids> refused = WriteRange(*cli, pk, 100, 5);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(refused.error().IsUnavailable()) << refused.error().ToString();
  ASSERT_TRUE(server->Flush().ok());
  EXPECT_EQ(cli->CountReadings(pk).value(), 5);
}

TEST_F(SqliteStoreTest, OnlyOneProcessWritesReadings) {
  std::unique_ptr<SqliteStore> first = OpenOrDie();
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<SqliteStore>> second =
      Open(StoreOptions{.busy_timeout_ms = 50, .write_readings = true});
  ASSERT_FALSE(second.has_value());
  EXPECT_TRUE(second.error().IsUnavailable()) << second.error().ToString();
  EXPECT_NE(second.error().detail().find(path_ + "-ingest.lock"), std::string::npos)
      << second.error().ToString();
  first.reset();
  EXPECT_NE(OpenOrDie(), nullptr);  // the lock goes with its process's store
}

TEST_F(SqliteStoreTest, NormalSyncModeWorks) {
  std::unique_ptr<SqliteStore> store = OpenOrDie(StoreOptions{.sync = SyncMode::kNormal});
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  ASSERT_TRUE(WriteRange(*store, pk, 0, 10).has_value());
  EXPECT_EQ(store->CountReadings(pk).value(), 10);
}

// Each block's (first_ts, rowid), in order: a rewritten block gets a new
// rowid, an untouched one keeps it.
std::vector<std::pair<int64_t, int64_t>> BlockRows(RawDb& raw) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(raw.get(), "SELECT first_ts, rowid FROM reading_blocks ORDER BY 1",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    rows.emplace_back(sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1));
  }
  sqlite3_finalize(stmt);
  return rows;
}

// Readings older than their input's newest (a device that backfills) are
// looked up in the tables, and the empty stretch around each is remembered
// until the next merge: what a merge writes into it must still be found.
TEST_F(SqliteStoreTest, BackfilledReadingsKeepTheirIdsAcrossMerges) {
  std::unique_ptr<SqliteStore> store = OpenOrDie(StoreOptions{.sync = SyncMode::kNormal});
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  auto write = [&](int64_t ts) -> int64_t {
    IngestBatch batch{.input_pk = pk, .readings = {Reading{}}};
    batch.readings[0].timestamp = Timestamp{ts};
    const IngestBatch* pointers[] = {&batch};
    Result<Ids> ids = store->WriteBatches(pointers);
    EXPECT_TRUE(ids.has_value()) << ts;
    return ids.has_value() ? (*ids)[0][0] : -1;
  };
  // One block holding 0 and 1,000, then a full block from 10,000 and one
  // more reading: stretches inside a block, between blocks, and before all.
  write(0);
  write(1'000);
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(WriteRange(*store, pk, 10'000, 256).has_value());
  write(1'000'000);
  ASSERT_TRUE(store->Flush().ok());

  std::map<int64_t, int64_t> ids;
  for (int64_t ts : {500, 600, 5'000, 6'000, -10, -20}) ids[ts] = write(ts);
  std::set<int64_t> distinct;
  for (const auto& [ts, id] : ids) distinct.insert(id);
  EXPECT_EQ(distinct.size(), ids.size()) << "two new readings got one id";
  for (int round = 0; round < 2; ++round) {
    for (const auto& [ts, id] : ids) EXPECT_EQ(write(ts), id) << "round " << round << ", " << ts;
    ASSERT_TRUE(store->Flush().ok());
  }
  Result<int64_t> count = store->CountReadings(pk);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2 + 256 + 1 + 6);
  for (const auto& [ts, id] : ids) {
    Result<std::optional<StoredReading>> stored = store->FindReading(pk, Timestamp{ts});
    ASSERT_TRUE(stored.has_value() && stored->has_value()) << ts;
    EXPECT_EQ((*stored)->id, id) << ts;
  }
}

TEST_F(SqliteStoreTest, AMergeRewritesOnlyTheBlocksItsReadingsLandIn) {
  std::unique_ptr<SqliteStore> store = OpenOrDie(StoreOptions{.sync = SyncMode::kNormal});
  ASSERT_NE(store, nullptr);
  const int64_t pk = AddInput(*store);
  ASSERT_TRUE(WriteRange(*store, pk, 0, 10 * 256).has_value());
  ASSERT_TRUE(store->Flush().ok());
  RawDb raw(path_);
  const std::vector<std::pair<int64_t, int64_t>> before = BlockRows(raw);
  ASSERT_EQ(before.size(), 10u);

  // One merge with a reading before every block, one replacing a reading
  // of the fifth block, one after the last (full) block: a device that
  // backfills old readings while it sends new ones.
  IngestBatch batch{.input_pk = pk, .readings = {}};
  for (int64_t ts : {int64_t{-5}, int64_t{4 * 256 + 7}, int64_t{100'000}}) {
    Reading reading;
    reading.timestamp = Timestamp{ts};
    reading.value = -1;
    batch.readings.push_back(reading);
  }
  const IngestBatch* pointers[] = {&batch};
  ASSERT_TRUE(store->WriteBatches(pointers).has_value());
  ASSERT_TRUE(store->Flush().ok());

  const std::vector<std::pair<int64_t, int64_t>> after = BlockRows(raw);
  ASSERT_EQ(after.size(), 12u);  // the first one split, one new at the end
  for (size_t i : {1, 2, 3, 5, 6, 7, 8, 9}) {
    EXPECT_NE(std::find(after.begin(), after.end(), before[i]), after.end())
        << "block " << i << " was rewritten though no reading landed in it";
  }
  EXPECT_EQ(std::find(after.begin(), after.end(), before[4]), after.end());
  EXPECT_TRUE(BlocksWellFormed(raw.get()));
  Result<int64_t> count = store->CountReadings(pk);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 10 * 256 + 2);
  Result<std::optional<StoredReading>> replaced = store->FindReading(pk, Timestamp{4 * 256 + 7});
  ASSERT_TRUE(replaced.has_value() && replaced->has_value());
  EXPECT_EQ((*replaced)->reading.value, -1);
  EXPECT_EQ((*replaced)->reading.metadata, "");
}

}  // namespace
}  // namespace dc::sqlite
