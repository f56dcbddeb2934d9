// Running out of file descriptors (docs/operations.md, "Connections and
// file descriptors"). The issue: under `ulimit -n 1024`, 1,100 idle
// connections made the accept loop spin on EMFILE at 100 % of a core, and a
// normal client timed out. Here the server runs under a limit of 256 and is
// flooded with 400 idle sockets: it must stay (almost) idle itself, hold
// fewer descriptors than its limit, shed the flood (close it, or answer
// 503), and answer a normal client, twice: with the limit set before it
// starts, and with the limit lowered under it while it runs.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "integration/fixture.h"
#include "support/raw_connection.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr uint64_t kFileLimit = 256;
// More sockets than the server may open, all of them idle (never a byte).
constexpr int kFlood = 400;
// The figure is an answer within 1 s; a healthy server answers in
// milliseconds even here (the bound's margin: ASan build, `ctest -j2` and
// other builds on 2 cores). A server that spins on EMFILE never answers:
// the normal client waits in the listening socket's backlog behind the
// flood for as long as the flood stays, so the bound still tells the two
// apart, and it cannot fail by chance.
constexpr int kAnswerBoundMs = 5000;
// The CPU the server may use while the flood sits idle: 0.5 s of a 2 s
// window. A server that spins uses the whole window of one core (2 s, or
// not much less when the other tests share the cores); one that waits for
// events uses next to nothing (see the figures the test prints).
constexpr auto kCpuWindow = milliseconds(2000);
constexpr double kCpuBoundSeconds = 0.5;

// The test process holds the flood's sockets too.
bool RaiseOwnFileLimit(uint64_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed;
}

// The value of the sample `name` in a /metrics text ("" if none).
std::string MetricValue(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

class DescriptorsTest : public ServerTest {
 protected:
  ServerProcessOptions ServerProcessSetup() const override {
    return {.file_limit = StartingFileLimit(), .env = {}};
  }
  virtual uint64_t StartingFileLimit() const { return kFileLimit; }

  void SetUp() override {
    if (!RaiseOwnFileLimit(kFlood + 64)) GTEST_SKIP() << "this process may not open the flood";
    ServerTest::SetUp();
  }

  // A request on a new connection, answered within `wait_ms` (nullopt if
  // not); `*took_ms` is how long the answer took.
  std::optional<HttpResponse> Ask(const std::string& request, int wait_ms, int64_t* took_ms) {
    const auto start = Clock::now();
    RawConnection client(server_->port(), Transport::kPlain);
    client.Send(request);
    std::optional<HttpResponse> answer = client.ReadResponse(wait_ms);
    *took_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
    return answer;
  }

  std::string Credentials() const {
    return "organization-id: " + org_.id + "\r\norganization-api-key: " + org_.api_key + "\r\n";
  }

  // An upload and a fetch of it, each on a new connection and answered
  // within kAnswerBoundMs: the store's writer and a reader connection
  // (opened now, on demand) need descriptors of their own.
  void ExpectNormalClientServed(int64_t second) {
    const std::string body = SingleBody(Attributes("7.25", TimestampAt(second)), input_);
    int64_t took_ms = 0;
    std::optional<HttpResponse> created =
        Ask("POST " + UploadTarget(input_) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Credentials() +
                "content-type: application/vnd.api+json\r\ncontent-length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body,
            2 * kAnswerBoundMs, &took_ms);
    std::printf("normal upload during the flood: answered in %lld ms\n",
                static_cast<long long>(took_ms));
    ASSERT_TRUE(created.has_value()) << "the upload was not answered in " << took_ms << " ms";
    EXPECT_EQ(created->status, 201) << created->body;
    EXPECT_LT(took_ms, kAnswerBoundMs);

    const std::string at = UrlEncode(FormatMicros(TimestampMicrosAt(second)));
    std::optional<HttpResponse> fetched =
        Ask("GET " + std::string(kFetchBase) + "get_inputdata_by_inputs?input_ids=" + input_ +
                "&timeperiod_start=" + at + "&timeperiod_finish=" + at +
                " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Credentials() + "\r\n",
            2 * kAnswerBoundMs, &took_ms);
    std::printf("normal fetch during the flood: answered in %lld ms\n",
                static_cast<long long>(took_ms));
    ASSERT_TRUE(fetched.has_value()) << "the fetch was not answered in " << took_ms << " ms";
    EXPECT_EQ(fetched->status, 200) << fetched->body;
    EXPECT_NE(fetched->body.find("\"value\":7.25"), std::string::npos) << fetched->body;
    EXPECT_LT(took_ms, kAnswerBoundMs);
  }

  // Opens the flood, checks the server's CPU while it sits idle, serves a
  // normal client, then checks what became of the flood.
  void FloodAndExpectServed() {
    std::vector<std::unique_ptr<RawConnection>> flood;
    for (int i = 0; i < kFlood; ++i) {
      flood.push_back(std::make_unique<RawConnection>(server_->port(), Transport::kPlain));
    }
    const double cpu_before = CpuSeconds(server_->pid());
    std::this_thread::sleep_for(kCpuWindow);
    const double cpu = CpuSeconds(server_->pid()) - cpu_before;
    std::printf("%d idle sockets: the server used %.2f s of CPU in %lld ms\n", kFlood, cpu,
                static_cast<long long>(kCpuWindow.count()));
    ASSERT_GE(cpu_before, 0) << "cannot read /proc/PID/stat";
    EXPECT_LT(cpu, kCpuBoundSeconds) << "the server spins while its descriptors are used up";

    ExpectNormalClientServed(1);

    // The server keeps below its limit, and the flood is shed: the oldest
    // sockets closed without a word, or refused with a 503, so that no
    // more of it is open than the connection cap (shown in /metrics).
    const int fds = CountFds(server_->pid());
    const int cap = ConnectionLimitMetric();
    std::printf("the server holds %d descriptors under its limit of %llu; cap %d connections\n",
                fds, static_cast<unsigned long long>(kFileLimit), cap);
    EXPECT_LT(fds, static_cast<int>(kFileLimit));
    EXPECT_GT(cap, 0);
    int closed = 0;
    PollUntil(milliseconds(kAnswerBoundMs), [&] {
      closed = 0;
      for (auto& socket : flood) closed += socket->ClosedNow() ? 1 : 0;
      return closed >= kFlood - cap;
    });
    EXPECT_GE(closed, kFlood - cap);
    for (size_t i = 0; i < flood.size(); ++i) {
      const std::string& received = flood[i]->received();
      EXPECT_TRUE(received.empty() || received.rfind("HTTP/1.1 503", 0) == 0)
          << "idle socket " << i << " received: " << received.substr(0, 200);
    }
    flood.clear();
    ExpectNormalClientServed(2);
  }

  // The connection cap as /metrics shows it.
  int ConnectionLimitMetric() {
    int64_t took_ms = 0;
    std::optional<HttpResponse> metrics =
        Ask("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", kAnswerBoundMs, &took_ms);
    if (!metrics) return -1;
    return std::stoi("0" + MetricValue(metrics->body, "datacooee_http_connection_limit"));
  }
};

TEST_F(DescriptorsTest, AFloodPastTheOpenFileLimitIsShedAndNormalClientsAreServed) {
  // --max-connections is 10,000; a limit of 256 leaves room for far fewer,
  // and the server says so.
  const int cap = ConnectionLimitMetric();
  EXPECT_GT(cap, 0);
  EXPECT_LT(cap, static_cast<int>(kFileLimit));
  EXPECT_NE(server_->StderrText().find("serving at most " + std::to_string(cap) +
                                       ", not --max-connections 10000"),
            std::string::npos)
      << server_->StderrText();
  FloodAndExpectServed();
}

// Started with room for every socket of the flood (a limit of 1,024 leaves
// some 800 places), then the limit is lowered under the running server
// (prlimit): the flood runs it out of descriptors, accept() fails with
// EMFILE, and the server must neither spin nor stop accepting.
class DescriptorsLoweredTest : public DescriptorsTest {
 protected:
  uint64_t StartingFileLimit() const override { return 4 * kFileLimit; }
};

TEST_F(DescriptorsLoweredTest, WhenTheLimitDropsUnderTheServerAcceptBacksOffAndShedsIdleOnes) {
  const rlimit lowered{kFileLimit, kFileLimit};
  ASSERT_EQ(prlimit(server_->pid(), RLIMIT_NOFILE, &lowered, nullptr), 0);
  FloodAndExpectServed();
  EXPECT_NE(server_->StderrText().find("the open-file limit is now 256"), std::string::npos)
      << server_->StderrText();
}

}  // namespace
}  // namespace dc::testing
