// Hostile clients (issues #4 and #13): slow-loris, idle floods past the
// connection limit, oversized heads and bodies, bodies shorter than their
// length, endless chunk lines, garbage, deep JSON, 10,000-digit numbers,
// invalid UTF-8, huge input_ids lists and limit abuse. For each: the attack gets its docs/api.md
// answer or is cut off by a timeout and stores nothing; a normal client (an upload and a fetch, on
// connections of its own) is served while the attack's connections are open and after; and the
// server's peak RSS (VmHWM, reset once the server is warm) stays within a bound far below what the
// attack would cost if the server buffered it. Each case prints "hostile case NAME: peak RSS X MiB
// (baseline Y MiB)".

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "integration/fixture.h"
#include "support/raw_connection.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kHeaderTimeoutMs = 3000;
constexpr int kBodyTimeoutMs = 3000;
// The cut-off at a timeout may come this much later than the timeout (a
// loaded machine, the ASan build), never earlier. The bounds it makes only
// have to tell a timeout that works from one that does not: a trickling
// or silent client that is not cut off stays open until the test gives up
// (10 s past the timeout) or for good. The latest cut-offs seen in 20 runs
// (plain and TLS) under `ctest -j2` beside another ctest, against 7,000:
// 3,184 ms for a slow-loris head, 3,650 ms for a silent body.
constexpr int kTimeoutSlackMs = 4000;
// A refused or 4xx connection whose client sends on lingers this long
// before the server closes it (session.cc, kLingerTime); the tests wait
// kLingerMs + kTimeoutSlackMs for such a close, against a connection that
// would otherwise stay open for the 60 s idle timeout or for good.
constexpr int kLingerMs = 2000;
// ThreadSanitizer keeps shadow memory for what the server touches, several
// times its size, so the same attack shows as several times the growth.
#if defined(__SANITIZE_THREAD__)
constexpr double kGrowthScale = 4;
#else
constexpr double kGrowthScale = 1;
#endif
// Over TLS (the suite's second run) each connection also holds Asio's two
// 17 KiB record buffers and OpenSSL's state, about 90 KiB while it is
// busy: 500 slow heads then cost some 45 MiB more than over plain TCP.
// AddressSanitizer keeps what OpenSSL frees in its quarantine (256 MiB by
// default), and TLS frees and allocates for every record.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kTlsGrowthScale = 8;
#else
constexpr double kTlsGrowthScale = 2;
#endif

double GrowthScale() { return kGrowthScale * (TlsTestMode() ? kTlsGrowthScale : 1); }

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// ---- Raw connections -----------------------------------------------------

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// `response` is the docs/api.md "Errors" error with `status` and a valid UTF-8 body (the
// fixture's JSON parser does not check the encoding).
::testing::AssertionResult IsErrorAnswer(const std::optional<HttpResponse>& response, int status,
                                         std::optional<std::string> pointer = std::nullopt) {
  if (!response) return ::testing::AssertionFailure() << "no answer";
  if (!IsValidUtf8(response->body)) {
    return ::testing::AssertionFailure() << "body is not valid UTF-8: " << response->body;
  }
  return IsError(*response, status, std::move(pointer));
}

::testing::AssertionResult IsParameterAnswer(const std::optional<HttpResponse>& response,
                                             int status, const std::string& parameter) {
  if (!response) return ::testing::AssertionFailure() << "no answer";
  if (!IsValidUtf8(response->body)) {
    return ::testing::AssertionFailure() << "body is not valid UTF-8: " << response->body;
  }
  return IsParameterError(*response, status, parameter);
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

// ---- Fixture ---------------------------------------------------------------

class HostileTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--header-timeout-ms", std::to_string(kHeaderTimeoutMs),
            "--body-timeout-ms",   std::to_string(kBodyTimeoutMs),
            "--max-connections",   "1000"};
  }

  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // Warm: the first requests allocate what every later one reuses
    // (parsers, reader connections, SQLite caches).
    ExpectServed("before the attack");
    ExpectServed("before the attack");
    baseline_ = ReadMemory(server_->pid());
    peak_reset_ = ResetPeak(server_->pid());
    // Its listening socket, database files, pipes and so on; the warm-up
    // connections may still be closing.
    baseline_fds_ = CountFds(server_->pid());
  }

  // The upload head of a valid request to input_ (credentials included),
  // up to and including the blank line after `extra_headers`.
  std::string UploadHead(const std::string& extra_headers) const {
    return "POST " + UploadTarget(input_) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/vnd.api+json\r\n"
           "organization-id: " +
           org_.id + "\r\norganization-api-key: " + org_.api_key + "\r\n" + extra_headers + "\r\n";
  }
  std::string UploadRequest(const std::string& body) const {
    return UploadHead("Content-Length: " + std::to_string(body.size()) + "\r\n") + body;
  }
  std::string FetchRequest(const std::string& query, const std::string& extra_headers = "") const {
    return "GET " + std::string(kFetchBase) + "get_inputdata_by_inputs?" + query +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\norganization-id: " + org_.id +
           "\r\norganization-api-key: " + org_.api_key + "\r\n" + extra_headers + "\r\n";
  }
  Headers Credentials() const {
    return {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}};
  }
  // A normal upload body: the value 7.25 at `second`.
  std::string NormalBody(int64_t second) const {
    return SingleBody(Attributes("7.25", TimestampAt(second)), input_);
  }

  // A normal client: a valid upload, then a valid fetch of what it stored,
  // each on a new connection.
  void ExpectServed(const std::string& when) {
    SCOPED_TRACE("normal client " + when);
    const int64_t second = next_second_++;
    HttpResponse upload;
    try {
      HttpClient client(server_->port());
      upload =
          client.Request("POST", UploadTarget(input_), UploadHeaders(org_), NormalBody(second));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "upload failed: " << e.what();
      return;
    }
    EXPECT_EQ(upload.status, 201) << upload.body;
    if (upload.status != 201) return;
    ++stored_;
    const std::string at = UrlEncode(FormatMicros(TimestampMicrosAt(second)));
    HttpResponse fetch;
    try {
      HttpClient client(server_->port());
      fetch =
          client.Request("GET",
                         std::string(kFetchBase) + "get_inputdata_by_inputs?input_ids=" + input_ +
                             "&timeperiod_start=" + at + "&timeperiod_finish=" + at,
                         Credentials());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "fetch failed: " << e.what();
      return;
    }
    EXPECT_EQ(fetch.status, 200) << fetch.body;
    EXPECT_TRUE(JsonEquals(fetch.body, R"([{"input":{"id":")" + input_ +
                                           R"(","name":"Boiler","measure_unit":""},"inputdata":[)"
                                           R"({"timestamp":")" +
                                           FormatMicros(TimestampMicrosAt(second)) +
                                           R"(","value":7.25}]}])"));
  }

  // Readings stored: the normal clients' and those a case stored on purpose.
  void ExpectNothingElseStored() { EXPECT_EQ(CountReadings(db_, input_), stored_); }

  // Keeps the highest RSS seen while an attack is on (besides VmHWM).
  void SampleRss() {
    sampled_peak_mib_ = std::max(sampled_peak_mib_, ReadMemory(server_->pid()).rss_mib);
  }

  // Prints the case's peak RSS and checks it stayed below baseline +
  // `bound_mib`. Each bound is far below what the attack would cost if
  // buffered, and at least twice the largest growth seen in 20 runs of the
  // suite under `ctest -j2` beside another ctest (release build; TLS run
  // against its doubled bound): slow-loris 9.5 of 48 (TLS 46.8 of 96),
  // nested JSON 13.6 of 48, 10,000-digit numbers 46.6 of 128, the idle
  // flood 0.9 of 32 (TLS 22.1 of 64), every other case under 2 MiB of 32
  // (TLS 6.5 of 64). The peak depends on how many attack requests the
  // server holds at once, which load can change but not beyond what the
  // case sends.
  void ExpectPeakBelow(const std::string& name, double bound_mib) {
    const Memory now = ReadMemory(server_->pid());
    const double peak =
        std::max(peak_reset_ ? now.peak_mib : 0.0, std::max(sampled_peak_mib_, now.rss_mib));
    std::printf("hostile case %s: peak RSS %.1f MiB (baseline %.1f MiB)\n", name.c_str(), peak,
                baseline_.rss_mib);
    std::fflush(stdout);
    EXPECT_LT(peak, baseline_.rss_mib + bound_mib * GrowthScale())
        << name << ": the server grew by " << peak - baseline_.rss_mib << " MiB";
  }

  int64_t next_second_ = 0;
  int64_t stored_ = 0;
  Memory baseline_;
  int baseline_fds_ = 0;
  bool peak_reset_ = false;
  double sampled_peak_mib_ = 0;
};

// ---- Slow clients --------------------------------------------------------

TEST_F(HostileTest, SlowLorisIsCutOffAtTheHeaderTimeout) {
  // Eight clients trickle a head one byte a second from its first byte; 500
  // more send 16,000 bytes of head (just under the 16 KiB limit, which the
  // server must hold) and then trickle too. Nothing extends the deadline
  // set by a head's first byte.
  constexpr int kTricklers = 8;
  constexpr int kFat = 500;
  constexpr int kIntervalMs = 1000;
  const std::string head = "POST " + UploadTarget(input_) +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(300, 'a');
  std::string fat_head = head;
  fat_head.resize(16000, 'a');

  struct Loris {
    std::unique_ptr<RawConnection> connection;
    std::string head;
    size_t sent = 0;
    Clock::time_point first_byte;
    std::optional<int64_t> closed_after_ms;
  };
  std::vector<Loris> lorises;
  for (int i = 0; i < kTricklers + kFat; ++i) {
    Loris loris;
    loris.connection = std::make_unique<RawConnection>(server_->port());
    loris.head = i < kTricklers ? head : fat_head + std::string(300, 'a');
    lorises.push_back(std::move(loris));
  }
  for (int i = 0; i < kTricklers + kFat; ++i) {
    Loris& loris = lorises[i];
    loris.first_byte = Clock::now();
    const size_t first = i < kTricklers ? 1 : fat_head.size();
    loris.sent = loris.connection->Send(std::string_view(loris.head).substr(0, first));
    ASSERT_EQ(loris.sent, first);
  }
  const auto start = Clock::now();

  // Served while every loris is connected.
  ExpectServed("during slow-loris");
  SampleRss();
  int open_after_normal = 0;
  for (Loris& loris : lorises) open_after_normal += loris.connection->ClosedNow() ? 0 : 1;
  EXPECT_EQ(open_after_normal, kTricklers + kFat)
      << "the normal client was not served while the slow clients were connected";

  // Trickle one byte a second into every open connection until all are cut
  // off; give up 10 s past the timeout (the heads would take minutes).
  auto next_byte = start + milliseconds(kIntervalMs);
  size_t open = lorises.size();
  while (open > 0 && MillisSince(start) < kHeaderTimeoutMs + 10'000) {
    for (Loris& loris : lorises) {
      if (loris.closed_after_ms || !loris.connection->ClosedNow()) continue;
      loris.closed_after_ms = MillisSince(loris.first_byte);
      --open;
    }
    if (Clock::now() >= next_byte) {
      for (Loris& loris : lorises) {
        if (loris.closed_after_ms || loris.sent >= loris.head.size()) continue;
        loris.sent += loris.connection->Send(std::string_view(loris.head).substr(loris.sent, 1), 0);
      }
      next_byte += milliseconds(kIntervalMs);
      SampleRss();
    }
    std::this_thread::sleep_for(milliseconds(20));
  }

  int64_t first_cut_ms = std::numeric_limits<int64_t>::max(), last_cut_ms = 0;
  for (const Loris& loris : lorises) {
    if (!loris.closed_after_ms) continue;
    first_cut_ms = std::min(first_cut_ms, *loris.closed_after_ms);
    last_cut_ms = std::max(last_cut_ms, *loris.closed_after_ms);
  }
  std::printf("slow-loris: cut off %lld to %lld ms after the first byte (timeout %d ms)\n",
              static_cast<long long>(first_cut_ms), static_cast<long long>(last_cut_ms),
              kHeaderTimeoutMs);
  for (size_t i = 0; i < lorises.size(); ++i) {
    const Loris& loris = lorises[i];
    SCOPED_TRACE("slow client " + std::to_string(i));
    ASSERT_TRUE(loris.closed_after_ms.has_value())
        << "still open after " << MillisSince(start) << " ms, " << loris.sent << " bytes sent";
    EXPECT_GE(*loris.closed_after_ms, kHeaderTimeoutMs * 9 / 10);
    EXPECT_LE(*loris.closed_after_ms, kHeaderTimeoutMs + kTimeoutSlackMs);
    // Cut off, not answered.
    EXPECT_EQ(loris.connection->received(), "");
  }
  ExpectServed("after slow-loris");
  ExpectNothingElseStored();
  // If the heads were not bounded (16 KiB) and cut off, the trickle would
  // hold them for minutes; what the server must hold is 500 x 16 KiB.
  ExpectPeakBelow("slow-loris (8 trickling + 500 x 16,000-byte heads)", 48);
}

TEST_F(HostileTest, BodyShorterThanItsContentLengthIsCutOffAtTheBodyTimeout) {
  // 50 clients declare a body of 16,000,000 bytes (just under the batch
  // limit, so the server accepts the head), send 10 bytes and fall silent:
  // 800 MB declared, 500 bytes sent.
  constexpr int kClients = 50;
  std::vector<std::unique_ptr<RawConnection>> silent;
  std::vector<Clock::time_point> sent_at;
  for (int i = 0; i < kClients; ++i) {
    silent.push_back(std::make_unique<RawConnection>(server_->port()));
    sent_at.push_back(Clock::now());
    const std::string request = UploadHead("Content-Length: 16000000\r\n") + R"({"data":[ )";
    ASSERT_EQ(silent.back()->Send(request), request.size());
  }
  // One more whose body is a whole reading but one byte.
  auto almost = std::make_unique<RawConnection>(server_->port());
  const std::string body = NormalBody(1000);
  const auto almost_at = Clock::now();
  const std::string request = UploadRequest(body);
  ASSERT_EQ(almost->Send(std::string_view(request).substr(0, request.size() - 1)),
            request.size() - 1);

  ExpectServed("during the silent bodies");
  SampleRss();
  int open = almost->ClosedNow() ? 0 : 1;
  for (auto& connection : silent) open += connection->ClosedNow() ? 0 : 1;
  EXPECT_EQ(open, kClients + 1) << "the normal client was not served while the others waited";

  EXPECT_TRUE(almost->ClosedWithin(kBodyTimeoutMs + kTimeoutSlackMs + 1000));
  const int64_t almost_ms = MillisSince(almost_at);
  EXPECT_GE(almost_ms, kBodyTimeoutMs * 9 / 10);
  EXPECT_LE(almost_ms, kBodyTimeoutMs + kTimeoutSlackMs);
  int64_t last_silent_ms = 0;
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("silent client " + std::to_string(i));
    EXPECT_TRUE(silent[i]->ClosedWithin(kTimeoutSlackMs));
    last_silent_ms = std::max(last_silent_ms, MillisSince(sent_at[i]));
    EXPECT_LE(MillisSince(sent_at[i]), kBodyTimeoutMs + kTimeoutSlackMs);
    EXPECT_EQ(silent[i]->received(), "");
  }
  std::printf(
      "short bodies: cut off %lld ms (almost whole) and at most %lld ms (silent) after "
      "they were sent (timeout %d ms)\n",
      static_cast<long long>(almost_ms), static_cast<long long>(last_silent_ms), kBodyTimeoutMs);
  SampleRss();
  ExpectServed("after the silent bodies");
  ExpectNothingElseStored();
  // The declared lengths add up to 800 MB.
  ExpectPeakBelow("Content-Length larger than sent (50 x 16,000,000 declared)", 32);
}

// ---- The connection limit ---------------------------------------------------

constexpr int kMaxConnections = 64;

class HostileLimitTest : public HostileTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--max-connections", std::to_string(kMaxConnections), "--header-timeout-ms",
            std::to_string(kHeaderTimeoutMs)};
  }
};

TEST_F(HostileLimitTest, IdleConnectionsPastTheLimitMakeRoomForNewClients) {
  // 64 connections that never send a byte fill every place; 200 more
  // follow. Each newcomer takes the place of the connection idle longest,
  // so the flood never locks a client out and never holds more than 64.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < kMaxConnections; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server_->port()));
  }
  ExpectServed("with 64 idle connections open");
  for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<RawConnection>(server_->port()));
  SampleRss();
  ExpectServed("with 264 idle connections opened");
  SampleRss();

  // The oldest were closed without a word (no 503); the newest still wait.
  size_t closed = 0;
  PollUntil(milliseconds(5000), [&] {
    closed = 0;
    for (auto& connection : idle) closed += connection->ClosedNow() ? 1 : 0;
    return closed >= idle.size() - kMaxConnections;
  });
  EXPECT_GE(closed, idle.size() - kMaxConnections);
  // The server holds at most 64 connections (give or take the normal
  // clients' last ones, closing), not 264.
  int fds = 0;
  PollUntil(milliseconds(2000), [&] {
    fds = CountFds(server_->pid());
    return fds <= baseline_fds_ + kMaxConnections;
  });
  std::printf("idle flood: the server holds %d descriptors (%d before the flood)\n", fds,
              baseline_fds_);
  EXPECT_LE(fds, baseline_fds_ + kMaxConnections + 4);
  for (size_t i = 0; i < idle.size(); ++i) {
    SCOPED_TRACE("idle connection " + std::to_string(i));
    EXPECT_EQ(idle[i]->received(), "");
    if (i >= idle.size() - 32) {
      EXPECT_FALSE(idle[i]->ClosedNow()) << "a newest one was closed";
    }
  }
  // One of the survivors is still a working connection.
  const std::string body = NormalBody(1000);
  ASSERT_EQ(idle.back()->Send(UploadRequest(body)), UploadRequest(body).size());
  std::optional<HttpResponse> created = idle.back()->ReadResponse();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->status, 201) << created->body;
  ++stored_;

  idle.clear();
  ExpectServed("after the idle flood");
  ExpectNothingElseStored();
  ExpectPeakBelow("idle connections up to and past the limit (64 + 200)", 32);
}

TEST_F(HostileLimitTest, WhenEveryPlaceIsMidRequestNewcomersGet503) {
  // 64 uploads whose bodies are still arriving: none is idle, none can be
  // reclaimed. Newcomers get 503 with Retry-After and are closed; a flood of
  // 300 of them costs nothing lasting. (Half heads would do the same until
  // the header timeout; a body gives the test time.)
  // A place still held by a closing connection (a warm-up one, or the one
  // AwaitNoOtherConnection asked on) would be reclaimed from a busy upload
  // whose head had not been read yet: the upload is still served, but a
  // place comes free for a newcomer once the closing one is gone (seen
  // once in a dozen runs under load). So each upload is opened only once
  // the one before is busy, and opening goes on until one is refused:
  // then every place is held by a busy upload, whatever the timing.
  ASSERT_TRUE(AwaitNoOtherConnection(server_->port()))
      << "the warm-up connections did not close within 5 s";
  std::vector<std::unique_ptr<RawConnection>> busy;
  std::vector<std::string> bodies;
  for (int attempt = 0; attempt < 500; ++attempt) {
    const std::string body = NormalBody(1000 + static_cast<int64_t>(busy.size()));
    auto connection = std::make_unique<RawConnection>(server_->port());
    connection->Send(UploadHead(
        "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"));
    std::optional<HttpResponse> interim = connection->ReadResponse();
    ASSERT_TRUE(interim.has_value());
    if (interim->status == 503) {
      if (busy.size() >= static_cast<size_t>(kMaxConnections)) break;  // every place is busy
      // A closing connection's place, not yet free.
      std::this_thread::sleep_for(milliseconds(20));
      continue;
    }
    // The 100 proves the server has read the head: the connection is busy.
    ASSERT_EQ(interim->status, 100);
    connection->Send(body.substr(0, 10));
    busy.push_back(std::move(connection));
    bodies.push_back(body);
  }
  ASSERT_GE(busy.size(), static_cast<size_t>(kMaxConnections));
  // One more than the places when a busy upload lost its place as above.
  ASSERT_LE(busy.size(), static_cast<size_t>(kMaxConnections) + 1);

  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(std::make_unique<RawConnection>(server_->port()));
  // Half of them send a request too: they linger after the 503 (reading and
  // dropping it) or, past the linger cap, are closed at once.
  for (size_t i = 0; i < flood.size(); i += 2) flood[i]->Send(FetchRequest("input_ids=" + input_));
  for (size_t i = 0; i < flood.size(); ++i) {
    SCOPED_TRACE("newcomer " + std::to_string(i));
    std::optional<HttpResponse> answer = flood[i]->ReadResponse();
    // A reset may beat the 503 only past the linger cap (128), and only for
    // a client that had sent a request.
    if (answer || i % 2 == 1) {
      EXPECT_TRUE(IsErrorAnswer(answer, 503));
      if (answer) {
        EXPECT_EQ(answer->Header("retry-after"), "1");
        EXPECT_FALSE(answer->keep_alive);
      }
    }
    // Closed at once, or after lingering for kLingerMs.
    EXPECT_TRUE(flood[i]->ClosedWithin(kLingerMs + kTimeoutSlackMs));
  }
  SampleRss();
  // Refused connections hold no place, and at most 128 (the linger cap)
  // are still open on the server's side.
  const int fds = CountFds(server_->pid());
  std::printf("503 flood: the server holds %d descriptors (%d before the flood)\n", fds,
              baseline_fds_);
  EXPECT_LE(fds, baseline_fds_ + kMaxConnections + 128 + 4);
  // The normal client, during: refused the same way, so it may retry.
  {
    RawConnection client(server_->port());
    client.Send(FetchRequest("input_ids=" + input_));
    EXPECT_TRUE(IsErrorAnswer(client.ReadResponse(), 503));
  }
  // The uploads in progress go on.
  for (size_t i = 0; i < busy.size(); ++i) {
    SCOPED_TRACE("busy connection " + std::to_string(i));
    busy[i]->Send(std::string_view(bodies[i]).substr(10));
    std::optional<HttpResponse> created = busy[i]->ReadResponse();
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 201) << created->body;
    ++stored_;
  }
  // Now idle: they make room for new clients.
  ExpectServed("once the uploads are done, their connections still open");
  flood.clear();
  busy.clear();
  ExpectServed("after the flood");
  ExpectNothingElseStored();
  ExpectPeakBelow("every place mid-request, 300 newcomers refused", 32);
}

// ---- Oversized requests ------------------------------------------------------

TEST_F(HostileTest, OversizedHeadIs431BeforeTheRestIsSent) {
  // 50 clients send an upload head whose one header line would be 1 MiB:
  // the server answers 431 after 16 KiB, then drops whatever else comes.
  constexpr int kClients = 50;
  const std::string start_of_head = UploadHead("").substr(0, UploadHead("").size() - 2) + "X-Big: ";
  const std::string first_part = start_of_head + std::string(17 * 1024, 'a');
  std::vector<std::unique_ptr<RawConnection>> big;
  for (int i = 0; i < kClients; ++i) {
    big.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_EQ(big.back()->Send(first_part), first_part.size());
  }
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("client " + std::to_string(i));
    std::optional<HttpResponse> answer = big[i]->ReadResponse();
    EXPECT_TRUE(IsErrorAnswer(answer, 431));
    if (answer) {
      EXPECT_FALSE(answer->keep_alive);
    }
  }
  ExpectServed("while the 431 clients are connected");
  // The rest of the line, 1 MiB each, goes nowhere.
  const std::string rest(1024 * 1024, 'a');
  for (auto& connection : big) connection->Send(rest, 200);
  SampleRss();

  // The request line alone over 16 KiB: 414; many small header lines: 431.
  RawConnection long_line(server_->port());
  long_line.Send("GET /?" + std::string(20 * 1024, 'q') + " HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(IsErrorAnswer(long_line.ReadResponse(), 414));
  RawConnection many_lines(server_->port());
  std::string lines;
  for (int i = 0; i < 2000; ++i) lines += "X-H" + std::to_string(i) + ": v\r\n";
  many_lines.Send(UploadHead(lines));
  EXPECT_TRUE(IsErrorAnswer(many_lines.ReadResponse(), 431));
  ExpectServed("while the 414 and 431 clients are connected");

  for (auto& connection : big) EXPECT_TRUE(connection->ClosedWithin(kLingerMs + kTimeoutSlackMs));
  ExpectServed("after the oversized heads");
  ExpectNothingElseStored();
  // Buffered, the lines would take 50 MiB.
  ExpectPeakBelow("oversized header line (50 x 1 MiB line, 431 at 16 KiB)", 32);
}

TEST_F(HostileTest, OversizedBodyIs413BeforeItIsSent) {
  // Content-Length 1 GB: refused from the head alone; the body never
  // needs to be sent.
  RawConnection huge(server_->port());
  ASSERT_GT(huge.Send(UploadHead("Content-Length: 1000000000\r\n")), 0u);
  std::optional<HttpResponse> answer = huge.ReadResponse();
  EXPECT_TRUE(IsErrorAnswer(answer, 413));
  if (answer) {
    EXPECT_FALSE(answer->keep_alive);
  }

  // 20 more at once, each declaring 1 GB.
  std::vector<std::unique_ptr<RawConnection>> more;
  for (int i = 0; i < 20; ++i) {
    more.push_back(std::make_unique<RawConnection>(server_->port()));
    more.back()->Send(UploadHead("Content-Length: 1000000000\r\n"));
  }
  for (auto& connection : more) EXPECT_TRUE(IsErrorAnswer(connection->ReadResponse(), 413));
  // A 1 GiB chunk is refused from its size line.
  RawConnection chunked(server_->port());
  chunked.Send(UploadHead("Transfer-Encoding: chunked\r\n") + "40000000\r\n" +
               std::string(64 * 1024, ' '));
  EXPECT_TRUE(IsErrorAnswer(chunked.ReadResponse(), 413));
  // A GET body over 64 KiB.
  RawConnection get_body(server_->port());
  get_body.Send(FetchRequest("input_ids=" + input_, "Content-Length: 100000000\r\n"));
  EXPECT_TRUE(IsErrorAnswer(get_body.ReadResponse(), 413));

  ExpectServed("while the refused clients are connected");
  // The client sends the body anyway: 100 MB, which the server drops.
  const std::string megabyte(1024 * 1024, '[');
  size_t sent = 0;
  for (int i = 0; i < 100; ++i) {
    const size_t n = huge.Send(megabyte, 500);
    sent += n;
    if (n < megabyte.size()) break;
    if (i % 10 == 0) SampleRss();
  }
  std::printf("oversized body: the server read and dropped %.1f MB after its 413\n", sent / 1e6);
  EXPECT_TRUE(huge.ClosedWithin(kLingerMs + kTimeoutSlackMs));
  for (auto& connection : more) EXPECT_TRUE(connection->ClosedWithin(kLingerMs + kTimeoutSlackMs));
  ExpectServed("after the oversized bodies");
  ExpectNothingElseStored();
  ExpectPeakBelow("oversized body (21 x Content-Length 1 GB, 100 MB sent anyway)", 32);
}

TEST_F(HostileTest, EndlessChunkLinesAreRefusedAtOnceAndCostNoMemory) {
  // Issue #13: a chunk-size line, a chunk extension or a trailer line that
  // never ends, on an upload and on a GET. Each client streams up to 64 MiB
  // of it without waiting for an answer; a server that buffered the line
  // would hold 256 MiB and answer nothing until the body timeout.
  constexpr int kMegabytes = 64;
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  struct Attack {
    std::string name;
    std::string start;
    char filler;
  };
  const std::vector<Attack> attacks = {
      {"chunk extension", UploadHead(chunked) + "5;", 'a'},
      {"leading zeros of a chunk size", UploadHead(chunked), '0'},
      {"trailer line", UploadHead(chunked) + "0\r\nX-Trailer: ", 'a'},
      {"chunk extension on a GET", FetchRequest("input_ids=" + input_, chunked) + "5;", 'a'},
  };
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (const Attack& attack : attacks) {
    clients.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_EQ(clients.back()->Send(attack.start), attack.start.size());
  }
  std::vector<size_t> sent(attacks.size(), 0);
  std::vector<bool> stopped(attacks.size(), false);
  const auto start = Clock::now();
  for (int megabyte = 0; megabyte < kMegabytes; ++megabyte) {
    for (size_t i = 0; i < attacks.size(); ++i) {
      if (stopped[i]) continue;
      const std::string piece(1024 * 1024, attacks[i].filler);
      const size_t n = clients[i]->Send(piece, 200);
      sent[i] += n;
      // Keeps what the server answered, so a reset after its close cannot
      // take the answer with it.
      stopped[i] = n < piece.size() || !clients[i]->Pump();
    }
    SampleRss();
  }
  for (size_t i = 0; i < attacks.size(); ++i) {
    SCOPED_TRACE(attacks[i].name);
    std::printf("endless %s: %.1f MiB sent in %lld ms\n", attacks[i].name.c_str(), sent[i] / kMiB,
                static_cast<long long>(MillisSince(start)));
    std::optional<HttpResponse> answer = clients[i]->ReadResponse(1000);
    EXPECT_TRUE(IsErrorAnswer(answer, 400));
    if (answer) {
      EXPECT_FALSE(answer->keep_alive);
    }
    EXPECT_TRUE(clients[i]->ClosedWithin(kLingerMs + kTimeoutSlackMs));
  }
  ExpectServed("after the endless chunk lines");
  ExpectNothingElseStored();
  ExpectPeakBelow("endless chunk lines (4 clients, up to 64 MiB each)", 32);
}

// ---- Malformed requests ------------------------------------------------------

TEST_F(HostileTest, GarbageBytesGet400AndTheConnectionIsClosed) {
  // Random binary, 4 KiB.
  RawConnection small(server_->port());
  small.Send(RandomBytes(4096, 1));
  EXPECT_TRUE(IsErrorAnswer(small.ReadResponse(), 400));
  EXPECT_TRUE(small.ClosedWithin(kLingerMs + kTimeoutSlackMs));

  // 20 clients at once, 1 MiB of random binary each.
  const std::string noise = RandomBytes(1024 * 1024, 100);
  std::vector<std::unique_ptr<RawConnection>> noisy;
  for (int i = 0; i < 20; ++i) {
    noisy.push_back(std::make_unique<RawConnection>(server_->port()));
    noisy.back()->Send(noise, 500);
  }
  for (size_t i = 0; i < noisy.size(); ++i) {
    SCOPED_TRACE("noisy client " + std::to_string(i));
    EXPECT_TRUE(IsErrorAnswer(noisy[i]->ReadResponse(), 400));
  }
  SampleRss();
  ExpectServed("while the garbage clients are connected");

  // A valid upload followed by garbage on the same connection: the upload
  // is served, the garbage answered 400 and the connection closed.
  RawConnection mixed(server_->port());
  mixed.Send(UploadRequest(NormalBody(1000)) + RandomBytes(512, 7));
  std::optional<HttpResponse> created = mixed.ReadResponse();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->status, 201) << created->body;
  ++stored_;
  EXPECT_TRUE(FindReading(db_, input_, TimestampMicrosAt(1000)).has_value());
  EXPECT_TRUE(IsErrorAnswer(mixed.ReadResponse(), 400));
  EXPECT_TRUE(mixed.ClosedWithin(kLingerMs + kTimeoutSlackMs));

  // NUL and control bytes inside a header value, a header name with a
  // space, a broken Content-Length.
  for (const std::string& head :
       {UploadHead(std::string("X-Nul: a\0b\r\n", 12) + "Content-Length: 2\r\n"),
        UploadHead("Bad Name: x\r\nContent-Length: 2\r\n"), UploadHead("Content-Length: 12abc\r\n"),
        UploadHead("Content-Length: 2\r\nContent-Length: 3\r\n")}) {
    SCOPED_TRACE(head);
    RawConnection connection(server_->port());
    connection.Send(head + "{}");
    EXPECT_TRUE(IsErrorAnswer(connection.ReadResponse(), 400));
  }

  for (auto& connection : noisy) EXPECT_TRUE(connection->ClosedWithin(kLingerMs + kTimeoutSlackMs));
  ExpectServed("after the garbage");
  ExpectNothingElseStored();
  // Buffered, the garbage would take 20 MiB.
  ExpectPeakBelow("garbage bytes (20 x 1 MiB random, valid request + garbage)", 32);
}

TEST_F(HostileTest, DeeplyNestedJsonIs400) {
  constexpr int kDepth = 100'000;
  const std::string arrays =
      R"({"data":)" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}";
  std::string objects = R"({"data":{"type":"SensorData","attributes":{"value":1,"timestamp":")" +
                        TimestampAt(2000) + R"(","metadata":)";
  for (int i = 0; i < kDepth; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kDepth, '}') + "}}}";
  std::string inside_value = R"({"data":{"type":"SensorData","attributes":{"timestamp":")" +
                             TimestampAt(2001) + R"(","value":)" + std::string(kDepth, '[') +
                             std::string(kDepth, ']') + "}}}";
  // Unbalanced: 100,000 opened, none closed.
  const std::string unclosed = R"({"data":)" + std::string(kDepth, '[');

  std::vector<std::unique_ptr<RawConnection>> attackers;
  for (const std::string* body :
       std::vector<const std::string*>{&arrays, &objects, &inside_value, &unclosed}) {
    for (int copy = 0; copy < 5; ++copy) {
      attackers.push_back(std::make_unique<RawConnection>(server_->port()));
      attackers.back()->Send(UploadRequest(*body));
    }
  }
  for (size_t i = 0; i < attackers.size(); ++i) {
    SCOPED_TRACE("nested body " + std::to_string(i / 5));
    std::optional<HttpResponse> answer = attackers[i]->ReadResponse();
    EXPECT_TRUE(IsErrorAnswer(answer, 400, ""));
    if (answer) {
      EXPECT_TRUE(answer->keep_alive);
      EXPECT_LT(answer->body.size(), 1000u);
    }
  }
  SampleRss();
  ExpectServed("while the nested-JSON clients are connected");
  attackers.clear();
  ExpectServed("after the nested JSON");
  ExpectNothingElseStored();
  // Twenty bodies of 200-600 KB in flight, each parsed only to the JSON
  // parser's depth limit (1,024): what the bodies and parser buffers take,
  // not a stack or tape per level.
  ExpectPeakBelow("JSON nested 100,000 deep", 48);
}

// A body of 16 MiB of `[` makes the JSON parser allocate several times its
// size. Memory a request needed must not stay with the server after it:
// each I/O thread used to keep its parser's buffers sized for the largest
// body it had seen, for good (about 200 MiB after this test).
//
// What RSS shows after the load is what the server holds plus what glibc's
// malloc keeps cached for reuse, and the cache depends on timing: after a
// 16 MiB block is freed, malloc raises its mmap and trim thresholds (up to
// 32 and 64 MiB), so later large blocks come from per-thread arenas whose
// freed tops may stay resident; which thread's arena serves which body
// changes with the load beside the test. Seen on one build: 0.4 MiB above
// the baseline alone, 48.2 MiB in a `scripts/test` run beside other tests. So this server runs with
// fixed thresholds (128 KiB, the default starting point): every block of 128 KiB or more is its own
// mapping, unmapped when freed, and RSS afterwards shows only what the server still holds.
class HostileMemoryReturnTest : public HostileTest {
 protected:
  ServerProcessOptions ServerProcessSetup() const override {
    return {.file_limit = 0,
            .env = {"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072:"
                    "glibc.malloc.trim_threshold=131072"}};
  }
};

TEST_F(HostileMemoryReturnTest, MemoryForHugeBodiesIsReturnedAfterwards) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's allocator holds freed memory back, so RSS cannot show it "
                  "returned";
#endif
  const std::string body = std::string(16 * 1024 * 1024 - 64, '[');
  for (int round = 0; round < 2; ++round) {
    std::vector<std::unique_ptr<RawConnection>> attackers;
    for (int i = 0; i < 4; ++i) {
      attackers.push_back(std::make_unique<RawConnection>(server_->port()));
      attackers.back()->Send(UploadRequest(body));
    }
    for (auto& attacker : attackers) {
      std::optional<HttpResponse> answer = attacker->ReadResponse();
      EXPECT_TRUE(answer.has_value() && answer->status == 400);
    }
    SampleRss();
  }
  ExpectServed("after the huge bodies");
  ExpectNothingElseStored();
  const Memory after = ReadMemory(server_->pid());
  std::printf("hostile case huge bodies: RSS %.1f MiB after, peak %.1f MiB (baseline %.1f MiB)\n",
              after.rss_mib, after.peak_mib, baseline_.rss_mib);
  // Less than one body's worth stays (the old parser reuse kept about
  // 160 MiB here); what else stays is the normal clients' and the
  // allocator's small change: at most 0.4 MiB (0.6 over TLS) in 20 runs
  // under `ctest -j2` beside another ctest.
  EXPECT_LT(after.rss_mib, baseline_.rss_mib + 16) << "memory of finished requests was kept";
}

// The shortest round-trip text of the double nearest to `decimal`.
std::string Nearest(const std::string& decimal) {
  return NumberText(std::strtod(decimal.c_str(), nullptr));
}

TEST_F(HostileTest, NumbersWithTenThousandDigits) {
  // Digits 1-9 repeated: 10,000 of them.
  std::string digits;
  while (digits.size() < 10'000) digits += "123456789";
  digits.resize(10'000);
  const std::string huge = digits;                                // about 1.2e9999: overflows
  const std::string fraction = "0." + digits;                     // 0.1234…: finite
  const std::string tiny = "0." + std::string(9'998, '0') + "1";  // underflows to 0
  const std::string latitude = "45." + digits.substr(0, 9'997);

  struct Case {
    std::string name;
    std::string attributes;
    int status;
    std::string pointer;  // for a 400
    std::string echo;     // for a 201: the attributes echoed
  };
  int64_t second = 3000;
  auto at = [&](int64_t s) { return TimestampAt(s); };
  auto echo_ts = [&](int64_t s) { return FormatMicros(TimestampMicrosAt(s)); };
  std::vector<Case> cases;
  // A JSON number that overflows a double fails the JSON parser (simdjson)
  // itself, before any member is looked at: 400 pointing at the document.
  cases.push_back(
      {"value, number, 10,000-digit integer", Attributes(huge, at(second)), 400, "", ""});
  ++second;
  cases.push_back({"value, string, 10,000-digit integer", Attributes('"' + huge + '"', at(second)),
                   400, "/data/attributes/value", ""});
  ++second;
  cases.push_back(
      {"value, number, 10,000-digit fraction", Attributes(fraction, at(second)), 201, "",
       R"({"value":")" + Nearest(fraction) + R"(","timestamp":")" + echo_ts(second) + R"("})"});
  ++second;
  cases.push_back(
      {"value, string, 10,000-digit fraction", Attributes('"' + fraction + '"', at(second)), 201,
       "", R"({"value":")" + Nearest(fraction) + R"(","timestamp":")" + echo_ts(second) + R"("})"});
  ++second;
  cases.push_back({"value, number, underflow to zero", Attributes(tiny, at(second)), 201, "",
                   R"({"value":"0","timestamp":")" + echo_ts(second) + R"("})"});
  ++second;
  cases.push_back({"value, number, exponent of 10,000 digits",
                   Attributes("1e" + digits, at(second)), 400, "", ""});
  ++second;
  cases.push_back({"value, string, exponent of 10,000 digits",
                   Attributes("\"1e" + digits + '"', at(second)), 400, "/data/attributes/value",
                   ""});
  ++second;
  cases.push_back({"value, string, negative exponent of 10,000 digits",
                   Attributes("\"1e-" + digits + '"', at(second)), 201, "",
                   R"({"value":"0","timestamp":")" + echo_ts(second) + R"("})"});
  ++second;
  cases.push_back({"latitude, number, 10,000-digit integer",
                   R"({"value":1,"timestamp":")" + at(second) + R"(","latitude":)" + huge + "}",
                   400, "", ""});
  ++second;
  cases.push_back({"latitude, string, 10,000-digit integer",
                   R"({"value":1,"timestamp":")" + at(second) + R"(","latitude":")" + huge + "\"}",
                   400, "/data/attributes/latitude", ""});
  ++second;
  cases.push_back({"latitude, number, 10,000 digits in range",
                   R"({"value":1,"timestamp":")" + at(second) + R"(","latitude":)" + latitude + "}",
                   201, "",
                   R"({"value":"1","timestamp":")" + echo_ts(second) + R"(","latitude":")" +
                       Nearest(latitude) + R"("})"});
  ++second;
  cases.push_back(
      {"longitude, string, 10,000-digit negative integer",
       R"({"value":1,"timestamp":")" + at(second) + R"(","longitude":"-)" + huge + "\"}", 400,
       "/data/attributes/longitude", ""});
  ++second;

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection connection(server_->port());
    connection.Send(UploadRequest(SingleBody(c.attributes, input_)));
    std::optional<HttpResponse> answer = connection.ReadResponse();
    if (c.status == 400) {
      EXPECT_TRUE(IsErrorAnswer(answer, 400, c.pointer));
      if (answer) {
        EXPECT_LT(answer->body.size(), 1000u) << "the error echoes the number";
      }
    } else {
      ASSERT_TRUE(answer.has_value());
      EXPECT_TRUE(IsCreated(*answer, c.echo, input_));
      ++stored_;
    }
  }

  // Many: a batch of 1,000 readings, each value a 10,000-digit fraction
  // (10 MB), is stored whole; the same with one overflowing value at the
  // end (a string, so that the element is named) stores nothing. Both at once, with the normal
  // client in between.
  std::vector<std::string> good, bad;
  for (int i = 0; i < 1000; ++i) {
    good.push_back(Attributes(fraction, at(10'000 + i)));
    bad.push_back(Attributes(i == 999 ? '"' + huge + '"' : fraction, at(20'000 + i)));
  }
  RawConnection good_batch(server_->port());
  RawConnection bad_batch(server_->port());
  good_batch.Send(UploadRequest(BatchBody(good, input_)));
  bad_batch.Send(UploadRequest(BatchBody(bad, input_)));
  ExpectServed("while the 10,000-digit batches are sent");
  std::optional<HttpResponse> stored = good_batch.ReadResponse(30'000);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, 201) << stored->body;
  EXPECT_TRUE(JsonEquals(stored->body, R"({"meta":{"count":1000}})"));
  stored_ += 1000;
  EXPECT_TRUE(IsErrorAnswer(bad_batch.ReadResponse(30'000), 400, "/data/999/attributes/value"));
  SampleRss();
  const std::optional<StoredReading> one = FindReading(db_, input_, TimestampMicrosAt(10'500));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->value, std::strtod(fraction.c_str(), nullptr));

  ExpectServed("after the 10,000-digit numbers");
  ExpectNothingElseStored();
  // Two 10 MB batches in flight at once, each held as received and as the
  // JSON parser's padded copy (about 40 MiB in the release build, twice
  // that under ASan, whose quarantine keeps freed buffers): bounded by the
  // 16 MiB batch limit, not by the digits.
  ExpectPeakBelow("numbers with 10,000 digits (single + 2 x 1,000-reading batches)", 128);
}

TEST_F(HostileTest, InvalidUtf8IsRefusedOrIgnoredNeverEchoedRaw) {
  const std::string bad[] = {"\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf",
                             "\xf4\x90\x80\x80"};
  RawConnection keep(server_->port());  // one connection for the 400s kept alive
  // In body strings: the body is not valid JSON (RFC 8259 wants UTF-8).
  for (const std::string& b : bad) {
    SCOPED_TRACE("body bytes " + UrlEncode(b));
    for (const std::string& attributes :
         {R"({"value":1,"timestamp":")" + b + R"("})",
          R"({"value":1,"timestamp":")" + TimestampAt(4000) + R"(","metadata":{"k":")" + b +
              R"("}})",
          R"({"value":1,"timestamp":")" + TimestampAt(4001) + R"(","x_axis_value":")" + b + R"("})",
          R"({"value":")" + b + R"(","timestamp":")" + TimestampAt(4002) + R"("})",
          R"({"value":1,"timestamp":")" + TimestampAt(4003) + R"(",")" + b + R"(":1})"}) {
      keep.Send(UploadRequest(SingleBody(attributes, input_)));
      std::optional<HttpResponse> answer = keep.ReadResponse();
      EXPECT_TRUE(IsErrorAnswer(answer, 400, ""));
      if (answer) {
        EXPECT_TRUE(answer->keep_alive);
      }
    }
  }
  // In header values: credentials that cannot match are 401, a media type
  // that is not one is 415 (each on a new connection: a refused upload's
  // connection is closed, its body unread), any other header is ignored.
  for (const std::string& b : bad) {
    SCOPED_TRACE("header bytes " + UrlEncode(b));
    const std::string body = NormalBody(4100);
    const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
    const std::string target = "POST " + UploadTarget(input_) + " HTTP/1.1\r\nHost: x\r\n";
    const std::pair<std::string, int> requests[] = {
        {target + "content-type: application/json\r\norganization-id: " + org_.id + b +
             "\r\norganization-api-key: " + org_.api_key + "\r\n" + length + "\r\n" + body,
         401},
        {target + "content-type: application/json\r\norganization-id: " + org_.id +
             "\r\norganization-api-key: " + b + org_.api_key + "\r\n" + length + "\r\n" + body,
         401},
        {target + "content-type: application/json" + b + "\r\norganization-id: " + org_.id +
             "\r\norganization-api-key: " + org_.api_key + "\r\n" + length + "\r\n" + body,
         415},
    };
    for (const auto& [request, status] : requests) {
      RawConnection connection(server_->port());
      connection.Send(request);
      EXPECT_TRUE(IsErrorAnswer(connection.ReadResponse(), status));
    }
  }
  for (const std::string& b : bad) {
    SCOPED_TRACE("ignored header bytes " + UrlEncode(b));
    const std::string body = NormalBody(4200 + stored_);
    keep.Send(UploadHead("X-Note: caf" + b + "\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\n") +
              body);
    std::optional<HttpResponse> created = keep.ReadResponse();
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 201) << "an unknown header is ignored, whatever its bytes";
    ++stored_;
  }
  // In the query string, escaped and raw: a bad value is a 400 naming its
  // parameter; an unknown parameter's name is echoed as valid UTF-8.
  for (const std::string& b : bad) {
    SCOPED_TRACE("query bytes " + UrlEncode(b));
    keep.Send(FetchRequest("input_ids=" + UrlEncode(b)));
    EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 404, "input_ids"));
  }
  for (const std::string& b : bad) {
    SCOPED_TRACE("query parameter bytes " + UrlEncode(b));
    keep.Send(FetchRequest("input_ids=" + input_ + "&limit=" + UrlEncode(b)));
    EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, "limit"));
    keep.Send(FetchRequest("input_ids=" + input_ + "&timeperiod_start=" + UrlEncode(b)));
    EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, "timeperiod_start"));
    // Each byte of these that is not ASCII is invalid: U+FFFD in the echo.
    std::string echoed = "x";
    for (char c : b) echoed += static_cast<unsigned char>(c) < 0x80 ? std::string(1, c) : "\uFFFD";
    keep.Send(FetchRequest("input_ids=" + input_ + "&x" + UrlEncode(b) + "=1"));
    EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, echoed));
  }
  // Raw (unescaped) bytes in the target.
  for (const std::string& b : bad) {
    SCOPED_TRACE("raw target bytes " + UrlEncode(b));
    RawConnection raw(server_->port());
    raw.Send(FetchRequest("input_ids=" + b));
    EXPECT_TRUE(IsParameterAnswer(raw.ReadResponse(), 404, "input_ids"));
  }
  ExpectServed("while the invalid-UTF-8 client is connected");
  EXPECT_FALSE(keep.ClosedNow());
  ExpectServed("after the invalid UTF-8");
  ExpectNothingElseStored();
  ExpectPeakBelow("invalid UTF-8 (body strings, header values, query string)", 32);
}

// ---- Fetch parameters ----------------------------------------------------------

TEST_F(HostileTest, HugeInputIdsListsAreRefused) {
  // `count` distinct ids: `prefix` and the index, zero-padded to `width`.
  auto ids = [](size_t count, const std::string& prefix, size_t width) {
    std::string list;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) list += ',';
      const std::string number = std::to_string(i);
      list += prefix + std::string(width - std::min(width, number.size()), '0') + number;
    }
    return list;
  };
  RawConnection keep(server_->port());
  // 1,001 ids (14 KB, inside the 16 KiB head): more than the 1,000 allowed.
  keep.Send(FetchRequest("input_ids=" + ids(1001, "sen", 10)));
  EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, "input_ids"));
  // 1,000 that do not exist: 404 for the first.
  keep.Send(FetchRequest("input_ids=" + ids(1000, "sen", 10)));
  EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 404, "input_ids"));
  // As many three-letter ids as fit in 16 KiB (about 3,900 distinct).
  std::string short_ids;
  for (int i = 0; short_ids.size() < 15'500; ++i) {
    if (i > 0) short_ids += ',';
    short_ids += static_cast<char>('a' + i % 26);
    short_ids += static_cast<char>('a' + i / 26 % 26);
    short_ids += static_cast<char>('a' + i / 676 % 26);
  }
  const auto start = Clock::now();
  keep.Send(FetchRequest("inputs_ids=" + short_ids));
  EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, "inputs_ids"));
  std::printf("huge input_ids: %zu short distinct ids answered in %lld ms\n",
              short_ids.size() / 4 + 1, static_cast<long long>(MillisSince(start)));
  // The same input 1,000 times: answered once.
  std::string same;
  for (int i = 0; i < 1000; ++i) same += (i > 0 ? "," : "") + input_;
  keep.Send(FetchRequest("input_ids=" + same + "&limit=1"));
  std::optional<HttpResponse> once = keep.ReadResponse();
  ASSERT_TRUE(once.has_value());
  EXPECT_EQ(once->status, 200) << once->body;
  rapidjson::Document list = ParseJson(once->body);
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(list.Size(), 1u);
  // 100,000 ids (1.4 MB): the request line alone is over 16 KiB.
  RawConnection huge(server_->port());
  huge.Send(FetchRequest("input_ids=" + ids(100'000, "sen", 10)), 2000);
  std::optional<HttpResponse> too_long = huge.ReadResponse();
  EXPECT_TRUE(IsErrorAnswer(too_long, 414));
  SampleRss();
  ExpectServed("while the huge-list clients are connected");
  EXPECT_FALSE(keep.ClosedNow());
  EXPECT_TRUE(huge.ClosedWithin(kLingerMs + kTimeoutSlackMs));
  ExpectServed("after the huge lists");
  ExpectNothingElseStored();
  ExpectPeakBelow("huge input_ids lists (1,001, ~3,900 and 100,000 ids)", 32);
}

TEST_F(HostileTest, LimitAbuseIsRefused) {
  RawConnection keep(server_->port());
  const std::string ids = "input_ids=" + input_;
  const std::string ten_thousand_digits(10'000, '9');
  for (const std::string& value :
       {std::string("0"), std::string("-1"), std::string("100001"), "1" + std::string(30, '0'),
        std::string("abc"), std::string(""), std::string("1.5"), std::string("1e3"),
        std::string("%2B5"), std::string("%205"), std::string("0x10"), std::string("5%00"),
        ten_thousand_digits}) {
    SCOPED_TRACE("limit=" + value.substr(0, 40));
    for (const std::string endpoint :
         {"get_inputdata_by_inputs", "get_statistics_inputdata_by_inputs"}) {
      keep.Send("GET " + std::string(kFetchBase) + endpoint + "?" + ids + "&limit=" + value +
                " HTTP/1.1\r\nHost: x\r\norganization-id: " + org_.id +
                "\r\norganization-api-key: " + org_.api_key + "\r\n\r\n");
      std::optional<HttpResponse> answer = keep.ReadResponse();
      EXPECT_TRUE(IsParameterAnswer(answer, 400, "limit"));
      if (answer) {
        EXPECT_TRUE(answer->keep_alive);
        EXPECT_LT(answer->body.size(), 1000u) << "the error echoes the whole value";
      }
    }
  }
  // Repeated: the second occurrence is named.
  for (const std::string& query :
       {ids + "&limit=1&limit=2", ids + "&limit=5&limit=5", "limit=1&" + ids + "&limit=100001"}) {
    SCOPED_TRACE(query);
    keep.Send(FetchRequest(query));
    std::optional<HttpResponse> answer = keep.ReadResponse();
    EXPECT_TRUE(IsParameterAnswer(answer, 400, "limit"));
    if (answer) {
      EXPECT_NE(ErrorDetail(*answer).find("more than once"), std::string::npos);
    }
  }
  // 2,000 repeats in one request.
  std::string repeats = ids;
  for (int i = 0; i < 2000; ++i) repeats += "&limit=1";
  keep.Send(FetchRequest(repeats));
  EXPECT_TRUE(IsParameterAnswer(keep.ReadResponse(), 400, "limit"));
  // The largest limit, quoted or not, is a limit like any other.
  for (const std::string& value :
       {std::string("100000"), std::string("%22100000%22"), std::string("'1'")}) {
    SCOPED_TRACE("limit=" + value);
    keep.Send(FetchRequest(ids + "&limit=" + value));
    std::optional<HttpResponse> answer = keep.ReadResponse();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200) << answer->body;
  }
  SampleRss();
  ExpectServed("while the limit-abuse client is connected");
  EXPECT_FALSE(keep.ClosedNow());
  ExpectServed("after the limit abuse");
  ExpectNothingElseStored();
  ExpectPeakBelow("limit abuse (0, -1, 100001, 10^30, 10,000 digits, repeats)", 32);
}

}  // namespace
}  // namespace dc::testing
