// Transport limits that protect the server from clients that hold on:
// the connection limit, the idle timeout and the header timeout (docs/operations.md).

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kMaxConnections = 4;

class LimitsTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--max-connections",   std::to_string(kMaxConnections),
            "--idle-timeout-ms",   "400",
            "--header-timeout-ms", "400"};
  }
  HttpResponse UploadOn(HttpClient& client, int second) {
    return client.Request("POST", UploadTarget(input_), UploadHeaders(org_),
                          SingleBody(Attributes("1", TimestampAt(second)), input_));
  }
};

// Keep-alive connections that do not time out while a test needs them idle.
class LimitsKeepAliveTest : public LimitsTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--max-connections", std::to_string(kMaxConnections)};
  }
};

TEST_F(LimitsKeepAliveTest, NewConnectionAtTheLimitTakesThePlaceOfTheLongestIdle) {
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < kMaxConnections; ++i) {
    held.push_back(std::make_unique<HttpClient>(server_->port()));
    ASSERT_EQ(UploadOn(*held.back(), i).status, 201);
  }
  // Every place is held by a keep-alive connection between requests: the
  // newcomer is served, and the connection idle longest is closed.
  HttpClient newcomer(server_->port());
  EXPECT_EQ(UploadOn(newcomer, 10).status, 201);
  EXPECT_TRUE(held[0]->ClosedByPeer());
  for (int i = 1; i < kMaxConnections; ++i) EXPECT_EQ(UploadOn(*held[i], 10 + i).status, 201);
}

TEST_F(LimitsTest, ConnectionsBeyondTheLimitGet503WhenNoneIsIdle) {
  // Every place is held by a request whose body is still arriving.
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < kMaxConnections; ++i) {
    held.push_back(std::make_unique<HttpClient>(server_->port()));
    const std::string body = SingleBody(Attributes("1", TimestampAt(i)), input_);
    std::string head = "POST " + UploadTarget(input_) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : UploadHeaders(org_)) head += name + ": " + value + "\r\n";
    head += "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    held.back()->Write(head);
    // The 100 proves the server has read the head: the connection is busy.
    ASSERT_EQ(held.back()->ReadResponse().status, 100);
    held.back()->Write(body.substr(0, 10));
  }
  HttpClient over(server_->port());
  HttpResponse refused = over.ReadResponse();
  EXPECT_TRUE(IsError(refused, 503));
  EXPECT_EQ(refused.Header("retry-after"), "1");
  EXPECT_FALSE(refused.keep_alive);
  EXPECT_TRUE(over.ClosedByPeer());

  // Once one closes, a new connection is served again (as soon as the
  // server has seen the close: milliseconds; the wait is only a cap).
  held.pop_back();
  bool served = false;
  for (const auto deadline = Clock::now() + milliseconds(10'000);
       !served && Clock::now() < deadline;) {
    HttpClient next(server_->port());
    served = UploadOn(next, 11).status == 201;
    if (!served) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(served);

  // The requests in progress go on.
  held[0]->Write(SingleBody(Attributes("1", TimestampAt(0)), input_).substr(10));
  EXPECT_EQ(held[0]->ReadResponse().status, 201);
}

TEST_F(LimitsTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  // The server's timer starts after the connection is accepted, so the
  // close can never come before 400 ms; without the idle timeout it would
  // not come at all in this test, so the upper bound need not be tight.
  const auto start = Clock::now();
  HttpClient silent(server_->port());
  EXPECT_TRUE(silent.ClosedByPeer(10'000));
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, milliseconds(400));
  EXPECT_LT(waited, milliseconds(10'000));

  // A connection that was used is closed the same way once it falls idle.
  HttpClient used(server_->port());
  ASSERT_EQ(UploadOn(used, 1).status, 201);
  EXPECT_TRUE(used.ClosedByPeer(10'000));
}

TEST_F(LimitsTest, HeadTrickledByteByByteIsCutOffAtTheHeaderTimeout) {
  HttpClient slow(server_->port());
  const std::string head = "POST " + UploadTarget(input_) +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(200, 'a');
  const auto start = Clock::now();
  bool closed = false;
  try {
    for (size_t i = 0; i < head.size() && !closed; ++i) {
      slow.Write(head.substr(i, 1));
      closed = slow.ClosedByPeer(100);
    }
  } catch (const std::exception&) {
    closed = true;  // the write failed: the server had closed the connection
  }
  EXPECT_TRUE(closed);
  // Cut off at the 400 ms header timeout; had the trickle extended it, the
  // head (one byte per 100 ms or more) would take over 20 s. 10 s tells
  // the two apart on any machine.
  EXPECT_LT(Clock::now() - start, milliseconds(10'000));

  // Meanwhile and afterwards, normal clients are served.
  HttpClient normal(server_->port());
  EXPECT_EQ(UploadOn(normal, 2).status, 201);
}

}  // namespace
}  // namespace dc::testing
