// A full disk under the real server: the database lives on a small tmpfs
// mounted by the test, which then fills it. Uploads must be refused with the
// docs/api.md 503 error, nothing refused may be stored, nothing acknowledged may
// be lost, and the server must take uploads again by itself once space
// returns (docs/api.md "Errors": 503 means "not now, nothing was stored").

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

// Runs `command` through the shell; returns its exit status and puts what it
// printed (stdout and stderr) in `*output`.
int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *output = "popen failed: " + std::string(strerror(errno));
    return -1;
  }
  char buffer[256];
  output->clear();
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) *output += buffer;
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes into a new file at `path` until the file system says ENOSPC, in
// ever smaller pieces so that not even a page is left. Returns "" or what
// went wrong.
std::string FillFileSystem(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + path + ": " + strerror(errno);
  const std::string chunk(64 * 1024, 'x');
  for (size_t piece : {chunk.size(), size_t{4096}, size_t{1}}) {
    while (true) {
      const ssize_t n = write(fd, chunk.data(), piece);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != ENOSPC) {
        const std::string error = "writing " + path + ": " + strerror(errno);
        close(fd);
        return error;
      }
      break;  // ENOSPC (or a zero-length write): this piece no longer fits
    }
  }
  close(fd);
  return "";
}

// Free bytes for an unprivileged writer on the file system holding `path`.
int64_t FreeBytes(const std::string& path) {
  struct statvfs info {};
  if (statvfs(path.c_str(), &info) != 0) return -1;
  return static_cast<int64_t>(info.f_bavail) * static_cast<int64_t>(info.f_frsize);
}

// The answer of `PRAGMA integrity_check` on the file at `path`, opened
// read-only.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string error = "cannot open: " + std::string(sqlite3_errmsg(db));
    sqlite3_close(db);
    return error;
  }
  std::string answer;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) != SQLITE_OK) {
    answer = "cannot prepare: " + std::string(sqlite3_errmsg(db));
  } else {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!answer.empty()) answer += "; ";
      answer += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    if (rc != SQLITE_DONE) answer += " (step failed: " + std::string(sqlite3_errmsg(db)) + ")";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return answer;
}

// Lines of the server's log other than its access log (one per request).
size_t CountLines(const std::string& text) {
  size_t lines = 0;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(" request method=") == std::string::npos) ++lines;
  }
  return lines;
}

// The database on its own 4 MiB tmpfs, with one organisation and one API
// input, served by the real binary.
class DiskFullTest : public ::testing::Test {
 protected:
  // Readings per batch upload.
  static constexpr int kBatchSize = 25;

  void SetUp() override {
    mount_point_ = dir_.path() + "/disk";
    ASSERT_EQ(mkdir(mount_point_.c_str(), 0700), 0) << strerror(errno);
    std::string output;
    if (RunShell("mount -t tmpfs -o size=4m tmpfs '" + mount_point_ + "'", &output) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): " << output;
    }
    mounted_ = true;
    // Not a mount after all (e.g. mount faked): filling it would fill /tmp.
    const int64_t free_bytes = FreeBytes(mount_point_);
    ASSERT_GT(free_bytes, 0);
    ASSERT_LE(free_bytes, 4 * 1024 * 1024) << "the tmpfs is not mounted at " << mount_point_;

    db_ = mount_point_ + "/datacooee.db";
    filler_ = mount_point_ + "/filler";
    org_ = CreateOrg(db_);
    ASSERT_FALSE(org_.id.empty());
    input_ = CreateInput(db_, org_.id);
    ASSERT_FALSE(input_.empty());
    server_ = std::make_unique<ServerProcess>(db_);
  }

  void TearDown() override {
    server_.reset();  // kill -9 if still running, before the file system goes
    if (mounted_) {
      std::string output;
      if (RunShell("umount -l '" + mount_point_ + "'", &output) != 0) {
        ADD_FAILURE() << "umount -l " << mount_point_ << " failed: " << output;
      }
    }
  }

  // Uploads `count` new readings (a single upload when `batch` is false),
  // each with its own timestamp and value, and files them as acknowledged
  // (201) or refused (503). Any other answer is a test failure.
  //
  // A non-empty `metadata` (a JSON object) goes with every reading.
  HttpResponse UploadNew(int count, bool batch, const std::string& metadata = "") {
    std::vector<int64_t> sent;
    std::vector<std::string> attributes;
    for (int i = 0; i < count; ++i) {
      const int64_t n = next_reading_++;
      sent.push_back(n);
      attributes.push_back(R"({"value":)" + std::to_string(n) + R"(,"timestamp":")" +
                           TimestampAt(SecondOf(n)) + "\"" +
                           (metadata.empty() ? "" : R"(,"metadata":)" + metadata) + "}");
    }
    const std::string body =
        batch ? BatchBody(attributes, input_) : SingleBody(attributes.front(), input_);
    HttpClient client(server_->port());
    HttpResponse response = client.Request("POST", UploadTarget(input_), UploadHeaders(org_), body);
    if (response.status == 201) {
      if (batch) {
        EXPECT_TRUE(
            JsonEquals(response.body, R"({"meta":{"count":)" + std::to_string(count) + "}}"));
      }
      acknowledged_.insert(sent.begin(), sent.end());
      ++acknowledged_uploads_;
    } else if (response.status == 503) {
      EXPECT_TRUE(IsError(response, 503));
      // The operator's detail (file path, SQLite code) goes to the log only.
      EXPECT_EQ(ErrorDetail(response).find(".db"), std::string::npos) << response.body;
      EXPECT_EQ(ErrorDetail(response).find("SQLite"), std::string::npos) << response.body;
      refused_.insert(sent.begin(), sent.end());
      ++refused_uploads_;
      (batch ? refused_batch_ : refused_single_) = true;
    } else {
      ADD_FAILURE() << "upload of " << count << " reading(s) got HTTP " << response.status << " "
                    << response.body << ", wanted 201 or 503";
    }
    return response;
  }

  // Keeps uploading new single readings and batches until both kinds have
  // been refused, for at most 3,000 rounds: SQLite may still find room in
  // pages it already holds for a while. The 60 s cap only ends a test
  // whose uploads are never refused; the rounds are what the test counts
  // on, so a slow machine cannot fail it.
  void UploadUntilRefused() {
    const auto start = steady_clock::now();
    int round = 0;
    for (; round < 3000 && steady_clock::now() < start + seconds(60); ++round) {
      if (refused_single_ && refused_batch_) break;
      UploadNew(1, /*batch=*/false);
      UploadNew(kBatchSize, /*batch=*/true);
      if (::testing::Test::HasFailure()) break;
    }
    std::printf("disk full: both kinds refused after %d rounds, %lld ms\n", round,
                static_cast<long long>(
                    std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count()));
    EXPECT_TRUE(refused_single_) << "no single upload was refused on the full disk";
    EXPECT_TRUE(refused_batch_) << "no batch upload was refused on the full disk";
  }

  // A batch bigger than SQLite's page cache (10,000 readings with 200-byte
  // metadata), so that it fails half-way through the transaction, when
  // SQLite spills pages, rather than at COMMIT: refused like the rest.
  void UploadBigBatchExpectingRefusal() {
    const std::string metadata = R"({"note":")" + std::string(200, 'm') + "\"}";
    EXPECT_EQ(UploadNew(10'000, /*batch=*/true, metadata).status, 503);
  }

  Headers Credentials() const {
    return {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}};
  }

  FetchResponse Fetch(const std::string& query) {
    HttpClient client(server_->port());
    FetchResponse response;
    response.http = client.Request("GET", kFetchBase + query, Credentials());
    response.json.Parse<rapidjson::kParseFullPrecisionFlag>(response.http.body.data(),
                                                            response.http.body.size());
    return response;
  }

  // The server, asked through its own API, holds exactly the acknowledged
  // readings, each with the value it was sent with. While the disk is full
  // (`may_be_unavailable`), the readings acknowledged but not yet merged
  // into the database make it answer 503 instead; never fewer readings.
  void ExpectServerHoldsExactlyTheAcknowledgedReadings(bool may_be_unavailable = false) {
    FetchResponse raw =
        Fetch("get_inputdata_by_inputs?input_ids=" + input_ + "&limit=100000&sort_by=asc");
    if (may_be_unavailable && raw.http.status == 503) {
      EXPECT_TRUE(IsError(raw.http, 503));
      return;
    }
    ASSERT_EQ(raw.http.status, 200) << raw.http.body;
    ASSERT_FALSE(raw.json.HasParseError());
    ASSERT_TRUE(raw.json.IsArray() && raw.json.Size() == 1 && raw.json[0].HasMember("inputdata") &&
                raw.json[0]["inputdata"].IsArray())
        << raw.http.body.substr(0, 500);
    std::map<std::string, int64_t> by_timestamp;  // what an acknowledged reading looks like
    for (int64_t n : acknowledged_) by_timestamp[FormatMicros(TimestampMicrosAt(SecondOf(n)))] = n;
    std::map<std::string, int64_t> refused_by_timestamp;
    for (int64_t n : refused_)
      refused_by_timestamp[FormatMicros(TimestampMicrosAt(SecondOf(n)))] = n;

    std::set<int64_t> found;
    std::vector<std::string> refused_but_stored;
    std::vector<std::string> unexpected;
    for (const rapidjson::Value& reading : raw.json[0]["inputdata"].GetArray()) {
      const std::string ts = reading["timestamp"].GetString();
      const double value = reading["value"].GetDouble();
      if (auto it = by_timestamp.find(ts); it != by_timestamp.end()) {
        EXPECT_EQ(value, static_cast<double>(it->second)) << "reading at " << ts;
        found.insert(it->second);
      } else if (refused_by_timestamp.count(ts) != 0) {
        refused_but_stored.push_back(ts);
      } else {
        unexpected.push_back(ts);
      }
    }
    std::vector<int64_t> lost;
    std::set_difference(acknowledged_.begin(), acknowledged_.end(), found.begin(), found.end(),
                        std::back_inserter(lost));
    EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged reading(s) missing, the first #"
                              << lost.front();
    EXPECT_TRUE(refused_but_stored.empty())
        << refused_but_stored.size() << " refused reading(s) stored anyway, the first at "
        << refused_but_stored.front();
    EXPECT_TRUE(unexpected.empty())
        << unexpected.size() << " reading(s) nobody sent, the first at " << unexpected.front();
  }

  // Statistics (from the hour aggregates, over whole hours, and over
  // everything) count and sum exactly the acknowledged readings.
  void ExpectStatisticsCountTheAcknowledgedReadings(bool may_be_unavailable = false) {
    double sum = 0;
    for (int64_t n : acknowledged_) sum += static_cast<double>(n);
    const std::string expected = "[{\"count\":" + std::to_string(acknowledged_.size()) +
                                 ",\"sum\":" + NumberText(sum) + "}]";
    for (const std::string& window :
         {std::string(), "&timeperiod_start=" + UrlEncode("2021-03-01 00:00:00") +
                             "&timeperiod_finish=" + UrlEncode("2021-04-01 00:00:00")}) {
      SCOPED_TRACE(window);
      FetchResponse stats = Fetch("get_statistics_inputdata_by_inputs?input_ids=" + input_ +
                                  "&aggregation_func=count,sum" + window);
      if (may_be_unavailable && stats.http.status == 503) {
        EXPECT_TRUE(IsError(stats.http, 503));
        continue;
      }
      ASSERT_EQ(stats.http.status, 200) << stats.http.body;
      ASSERT_TRUE(!stats.json.HasParseError() && stats.json.IsArray() && stats.json.Size() == 1 &&
                  stats.json[0].HasMember("inputdata"))
          << stats.http.body;
      EXPECT_TRUE(JsonMatches(stats.json[0]["inputdata"], expected));
    }
  }

  // The server stops cleanly on SIGTERM, left an intact database, and did
  // not flood its log: beside the access log, at most a line or two per
  // refused upload.
  void ExpectCleanStopIntactDatabaseAndQuietLog() {
    const std::optional<int> status = StopWithin(*server_, SIGTERM, seconds(10));
    ASSERT_TRUE(status.has_value()) << "the server did not stop within 10 s of SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "exit status " << *status << "; stderr:\n"
        << server_->StderrText();
    EXPECT_EQ(IntegrityCheck(db_), "ok");
    const std::string log = server_->StderrText();
    EXPECT_EQ(log.find("AddressSanitizer"), std::string::npos) << log;
    EXPECT_EQ(log.find("runtime error"), std::string::npos) << log;
    EXPECT_LE(CountLines(log), 2 * refused_uploads_ + 20) << log.substr(0, 4000);
    // The operator learns why uploads were refused.
    EXPECT_NE(log.find("storage failure"), std::string::npos) << log.substr(0, 4000);
    ::testing::Test::RecordProperty("acknowledged_readings",
                                    static_cast<int>(acknowledged_.size()));
    ::testing::Test::RecordProperty("refused_readings", static_cast<int>(refused_.size()));
    ::testing::Test::RecordProperty("acknowledged_uploads", acknowledged_uploads_);
    ::testing::Test::RecordProperty("refused_uploads", refused_uploads_);
    ::testing::Test::RecordProperty("log_lines", static_cast<int>(CountLines(log)));
  }

  // Reading n lies 7 s after reading n-1, so they span several hours.
  static int64_t SecondOf(int64_t n) { return 7 * n; }

  TempDir dir_;
  std::string mount_point_;
  bool mounted_ = false;
  std::string db_;
  std::string filler_;
  OrgInfo org_;
  std::string input_;
  std::unique_ptr<ServerProcess> server_;

  int64_t next_reading_ = 1;
  std::set<int64_t> acknowledged_;  // readings whose upload got 201
  std::set<int64_t> refused_;       // readings whose upload got 503
  int acknowledged_uploads_ = 0;
  int refused_uploads_ = 0;
  bool refused_single_ = false;
  bool refused_batch_ = false;
};

TEST_F(DiskFullTest, FullDiskRefusesUploadsWith503AndStoresOnlyWhatItAcknowledged) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(UploadNew(1, /*batch=*/false).status, 201);
  ASSERT_EQ(UploadNew(kBatchSize, /*batch=*/true).status, 201);

  ASSERT_EQ(FillFileSystem(filler_), "");
  UploadUntilRefused();
  UploadBigBatchExpectingRefusal();
  // Refused again, not only once.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(UploadNew(1, /*batch=*/false).status, 503);
  EXPECT_EQ(UploadNew(kBatchSize, /*batch=*/true).status, 503);

  // The server still answers reads while the disk is full: exactly, or 503
  // while acknowledged readings wait in the ingest log for room to merge.
  ExpectServerHoldsExactlyTheAcknowledgedReadings(/*may_be_unavailable=*/true);
  ExpectStatisticsCountTheAcknowledgedReadings(/*may_be_unavailable=*/true);
  ExpectCleanStopIntactDatabaseAndQuietLog();

  // Stopped on a full disk, the server kept in its log what it could not
  // merge: a restart with room merges it, and every acknowledged reading,
  // and no refused one, is there.
  ASSERT_EQ(unlink(filler_.c_str()), 0) << strerror(errno);
  server_ = std::make_unique<ServerProcess>(db_);
  ExpectServerHoldsExactlyTheAcknowledgedReadings();
  ExpectStatisticsCountTheAcknowledgedReadings();
}

TEST_F(DiskFullTest, UploadsSucceedAgainWithoutARestartOnceSpaceIsFreed) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(UploadNew(1, /*batch=*/false).status, 201);
  ASSERT_EQ(UploadNew(kBatchSize, /*batch=*/true).status, 201);
  ASSERT_EQ(FillFileSystem(filler_), "");
  UploadUntilRefused();
  UploadBigBatchExpectingRefusal();
  ASSERT_FALSE(HasFailure());
  // A load balancer asking /readyz learns that uploads fail, and why,
  // without file names.
  HttpResponse unready = HttpClient(server_->port()).Request("GET", "/readyz");
  EXPECT_EQ(unready.status, 503) << unready.body;
  EXPECT_EQ(unready.Header("content-type"), "application/json");
  rapidjson::Document body = ParseJson(unready.body);
  ASSERT_TRUE(body.IsObject() && body.HasMember("status") && body.HasMember("reason"))
      << unready.body;
  EXPECT_STREQ(body["status"].GetString(), "unavailable");
  EXPECT_NE(std::string(body["reason"].GetString()).find("disk"), std::string::npos)
      << unready.body;
  EXPECT_EQ(unready.body.find(".db"), std::string::npos) << unready.body;
  EXPECT_EQ(unready.body.find(mount_point_), std::string::npos) << unready.body;
  // The process itself is fine.
  EXPECT_EQ(HttpClient(server_->port()).Request("GET", "/healthz").status, 200);

  ASSERT_EQ(unlink(filler_.c_str()), 0) << strerror(errno);
  EXPECT_TRUE(PollUntil(milliseconds(5000), [&] {
    return UploadNew(1, /*batch=*/false).status == 201;
  })) << "uploads still refused 5 s after space was freed";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(UploadNew(1, /*batch=*/false).status, 201);
  EXPECT_EQ(UploadNew(kBatchSize, /*batch=*/true).status, 201);
  HttpResponse ready = HttpClient(server_->port()).Request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, R"({"status":"ready"})");

  ExpectServerHoldsExactlyTheAcknowledgedReadings();
  ExpectStatisticsCountTheAcknowledgedReadings();
  ExpectCleanStopIntactDatabaseAndQuietLog();
}

}  // namespace
}  // namespace dc::testing
