// HTTP/1.1 as real clients speak it, transport-level errors, and a graceful
// stop (docs/api.md "What real clients send", "Order of checks").

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

using std::chrono::milliseconds;

// A stop takes milliseconds (a final commit, the log flushed). What
// "promptly" rules out is waiting for idle connections to time out, 60 s
// by default, so the bound can leave a loaded machine 20 s.
constexpr milliseconds kPromptExit{20'000};

constexpr char kSampleAttributes[] =
    R"({"timestamp":"2020-10-13T14:02:39.489000Z","value":"12.5"})";

class TransportTest : public ServerTest {
 protected:
  // The head of an upload to this input, without a length.
  std::string UploadHead(const std::string& extra_headers = "") {
    return "POST " + UploadTarget(input_) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/vnd.api+json\r\n"
           "organization-id: " +
           org_.id + "\r\norganization-api-key: " + org_.api_key + "\r\n" + extra_headers;
  }
  std::string Body(int second) { return SingleBody(Attributes("1", TimestampAt(second)), input_); }
  std::string Echo(int second) {
    return R"({"value":"1","timestamp":")" + TimestampAt(second).substr(0, 19) + R"(.000000Z"})";
  }
};

TEST_F(TransportTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpClient client(server_->port());
  for (int i = 0; i < 5; ++i) {
    HttpResponse response =
        client.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(i));
    EXPECT_TRUE(IsCreated(response, Echo(i), input_));
    EXPECT_TRUE(response.keep_alive);
  }
  // Errors keep the connection too, when the body was read.
  HttpResponse bad = client.Request("POST", UploadTarget(input_), UploadHeaders(org_), "{");
  EXPECT_TRUE(IsError(bad, 400, ""));
  EXPECT_TRUE(bad.keep_alive);
  EXPECT_TRUE(IsCreated(client.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(5)),
                        Echo(5), input_));
  EXPECT_EQ(CountReadings(db_, input_), 6);
}

TEST_F(TransportTest, ConnectionCloseIsHonoured) {
  HttpClient client(server_->port());
  Headers headers = UploadHeaders(org_);
  headers.emplace_back("Connection", "close");
  HttpResponse response = client.Request("POST", UploadTarget(input_), headers, Body(0));
  EXPECT_TRUE(IsCreated(response, Echo(0), input_));
  EXPECT_FALSE(response.keep_alive);
  EXPECT_EQ(response.Header("connection"), "close");
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(TransportTest, ChunkedBodyWithoutContentLengthIsAccepted) {
  // As Node.js's http.request sends a body written with req.write().
  HttpClient client(server_->port());
  HttpResponse response = client.SendRaw(UploadHead("Transfer-Encoding: chunked\r\n") + "\r\n" +
                                         Chunked(ReferenceSampleBody(input_), 17));
  EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
  EXPECT_TRUE(response.keep_alive);
  // And the connection goes on.
  EXPECT_TRUE(IsCreated(client.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(1)),
                        Echo(1), input_));
}

TEST_F(TransportTest, Expect100ContinueGets100ThenTheAnswer) {
  HttpClient client(server_->port());
  const std::string body = ReferenceSampleBody(input_);
  client.Write(UploadHead("Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n") +
               "\r\n");
  HttpResponse interim = client.ReadResponse();
  EXPECT_EQ(interim.status, 100);
  EXPECT_EQ(interim.body, "");
  client.Write(body);
  EXPECT_TRUE(IsCreated(client.ReadResponse(), kSampleAttributes, input_));
}

TEST_F(TransportTest, Expect100ContinueIsNotSentWhenTheRequestIsRefused) {
  HttpClient client(server_->port());
  client.Write(UploadHead("Expect: 100-continue\r\nContent-Length: 20000000\r\n") + "\r\n");
  EXPECT_TRUE(IsError(client.ReadResponse(), 413));
}

TEST_F(TransportTest, UnknownRouteIs404WithJsonBody) {
  HttpClient client(server_->port());
  for (const std::string target :
       {"/", "/api/", "/api/external/v1/inputs/", "/api/external/v1/inputs/x/inputdata/extra",
        "/api/external/v1/inputs//inputdata/", "/nothing?x=1"}) {
    SCOPED_TRACE(target);
    HttpResponse response = client.Request("GET", target);
    EXPECT_TRUE(IsError(response, 404));
    EXPECT_TRUE(response.keep_alive);
  }
}

TEST_F(TransportTest, WrongMethodIs405WithAllowAndJsonBody) {
  HttpClient client(server_->port());
  for (const std::string method : {"GET", "PUT", "DELETE", "OPTIONS"}) {
    for (bool slash : {true, false}) {
      SCOPED_TRACE(method + (slash ? " with slash" : " without slash"));
      HttpResponse response = client.Request(method, UploadTarget(input_, slash));
      EXPECT_TRUE(IsError(response, 405));
      EXPECT_EQ(response.Header("allow"), "POST");
    }
  }
}

TEST_F(TransportTest, HeadOnAPostOnlyRouteIs405) {
  HttpClient client(server_->port());
  HttpResponse response = client.Request("HEAD", UploadTarget(input_));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "POST");
  EXPECT_EQ(response.body, "");
  // The connection is still usable: no stray body bytes were sent.
  EXPECT_TRUE(IsCreated(client.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(0)),
                        Echo(0), input_));
}

TEST_F(TransportTest, HeaderOver16KibIs431WithJsonBody) {
  HttpClient client(server_->port());
  Headers headers = UploadHeaders(org_);
  headers.emplace_back("X-Padding", std::string(17 * 1024, 'a'));
  HttpResponse response = client.Request("POST", UploadTarget(input_), headers, Body(0));
  EXPECT_TRUE(IsError(response, 431));
  EXPECT_FALSE(response.keep_alive);
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(TransportTest, ManySmallHeadersOver16KibAre431) {
  HttpClient client(server_->port());
  Headers headers = UploadHeaders(org_);
  for (int i = 0; i < 400; ++i)
    headers.emplace_back("X-H" + std::to_string(i), std::string(50, 'v'));
  EXPECT_TRUE(IsError(client.Request("POST", UploadTarget(input_), headers, Body(0)), 431));
}

TEST_F(TransportTest, RequestLineOver16KibIs414WithJsonBody) {
  HttpClient client(server_->port());
  HttpResponse response =
      client.Request("POST", UploadTarget(input_) + "?pad=" + std::string(17 * 1024, 'a'),
                     UploadHeaders(org_), Body(0));
  EXPECT_TRUE(IsError(response, 414));
  EXPECT_FALSE(response.keep_alive);
}

TEST_F(TransportTest, GarbageBytesGet400JsonAndTheConnectionIsClosed) {
  HttpClient client(server_->port());
  HttpResponse response = client.SendRaw(std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16));
  EXPECT_TRUE(IsError(response, 400));
  EXPECT_FALSE(response.keep_alive);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(TransportTest, MalformedChunkedBodyGets400AndTheConnectionIsClosed) {
  HttpClient client(server_->port());
  HttpResponse response = client.SendRaw(UploadHead("Transfer-Encoding: chunked\r\n") +
                                         "\r\nzz\r\nnot a chunk\r\n0\r\n\r\n");
  EXPECT_TRUE(IsError(response, 400));
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(TransportTest, ChunkedBodyOver16MibIs413) {
  HttpClient client(server_->port());
  client.Write(UploadHead("Transfer-Encoding: chunked\r\n") + "\r\n");
  // 17 chunks of 1 MiB: no single chunk is over the limit, their sum is.
  const std::string chunk = "100000\r\n" + std::string(1024 * 1024, ' ') + "\r\n";
  try {
    for (int i = 0; i < 17; ++i) client.Write(chunk);
    client.Write("0\r\n\r\n");
  } catch (const std::exception&) {
    // The server may stop reading once it has answered.
  }
  HttpResponse response = client.ReadResponse();
  EXPECT_TRUE(IsError(response, 413));
  EXPECT_FALSE(response.keep_alive);
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(TransportTest, SigtermWithIdleConnectionsExitsZeroPromptly) {
  // One connection that made a request and now idles, two that never sent
  // anything.
  HttpClient used(server_->port());
  EXPECT_EQ(used.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(0)).status, 201);
  HttpClient silent1(server_->port());
  HttpClient silent2(server_->port());
  // A request head with half a body is not idle: it is left out here.

  const auto start = std::chrono::steady_clock::now();
  std::optional<int> status = StopWithin(*server_, SIGTERM, kPromptExit);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(status.has_value()) << "still running 20 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status)) << "status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_LT(took, kPromptExit);
  EXPECT_TRUE(used.ClosedByPeer(0));
  EXPECT_TRUE(silent1.ClosedByPeer(0));
  EXPECT_TRUE(silent2.ClosedByPeer(0));
  EXPECT_EQ(CountReadings(db_, input_), 1);
}

TEST_F(TransportTest, SigtermRightAfterAnUploadStillAnswersAndStoresIt) {
  HttpClient client(server_->port());
  ASSERT_EQ(client.Request("POST", UploadTarget(input_), UploadHeaders(org_), Body(0)).status, 201);
  // The next upload is fully sent on the kept-alive connection, then the
  // server is told to stop before its answer has been read.
  const std::string body = Body(1);
  client.Write(UploadHead("Content-Length: " + std::to_string(body.size()) + "\r\n") + "\r\n" +
               body);
  kill(server_->pid(), SIGTERM);
  HttpResponse response;
  try {
    response = client.ReadResponse();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "no answer: " << e.what();
  }
  EXPECT_TRUE(IsCreated(response, Echo(1), input_));

  // Already told to stop: only wait (signal 0) for the exit.
  std::optional<int> status = StopWithin(*server_, 0, kPromptExit);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status;
  EXPECT_EQ(CountReadings(db_, input_), 2);
  EXPECT_TRUE(FindReading(db_, input_, TimestampMicrosAt(1)).has_value());
  EXPECT_FALSE(HasFailure()) << "server stderr:\n" << server_->StderrText();
}

TEST_F(TransportTest, SigtermWhileABodyIsArrivingStillAnswersAndStoresIt) {
  HttpClient client(server_->port());
  const std::string body = Body(0);
  client.Write(UploadHead("Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n") +
               "\r\n");
  // The 100 proves the server has the head and waits for the body.
  ASSERT_EQ(client.ReadResponse().status, 100);
  kill(server_->pid(), SIGTERM);
  client.Write(body);
  EXPECT_TRUE(IsCreated(client.ReadResponse(), Echo(0), input_));

  // Already told to stop: only wait (signal 0) for the exit.
  std::optional<int> status = StopWithin(*server_, 0, kPromptExit);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status;
  EXPECT_EQ(CountReadings(db_, input_), 1);
}

TEST_F(TransportTest, PipelinedRequestsAreAnsweredInOrder) {
  HttpClient client(server_->port());
  std::string raw;
  for (int i = 0; i < 3; ++i) {
    const std::string body = Body(i);
    raw += UploadHead("Content-Length: " + std::to_string(body.size()) + "\r\n") + "\r\n" + body;
  }
  client.Write(raw);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(IsCreated(client.ReadResponse(), Echo(i), input_));
}

}  // namespace
}  // namespace dc::testing
