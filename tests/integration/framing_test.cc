// HTTP/1.1 framing as RFC 9112 asks of a server in front of the internet
// (docs/api.md "HTTP framing"), over raw sockets: every byte of a chunked
// body counts against a limit and is refused the moment it passes it; a
// Transfer-Encoding the server does not implement is refused and the
// connection closed, so nothing after it is read as a second request; Host
// is checked; absolute-form targets and a leading empty line are accepted.

#include <cstdio>
#include <string>
#include <vector>

#include "integration/fixture.h"
#include "support/raw_connection.h"

namespace dc::testing {
namespace {

// Long enough that an answer which waited for it cannot pass for an answer
// given "at once": every refusal below must come well inside kAnswerMs.
constexpr int kBodyTimeoutMs = 60'000;
constexpr int kAnswerMs = 15'000;

std::string Hex(size_t size) {
  char text[32];
  std::snprintf(text, sizeof text, "%zx", size);
  return text;
}

class FramingTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--header-timeout-ms", std::to_string(kBodyTimeoutMs), "--body-timeout-ms",
            std::to_string(kBodyTimeoutMs)};
  }

  std::string Credentials() const {
    return "organization-id: " + org_.id + "\r\norganization-api-key: " + org_.api_key + "\r\n";
  }
  // An upload head with `framing` (its length or coding), then the blank
  // line; its target after `target_prefix` (a scheme and authority).
  std::string UploadHead(const std::string& framing, const std::string& target_prefix = "") const {
    return "POST " + target_prefix + UploadTarget(input_) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/vnd.api+json\r\n" +
           Credentials() + framing + "\r\n";
  }
  std::string FetchHead(const std::string& extra = "") const {
    return "GET " + std::string(kFetchBase) + "get_latest_inputdata_by_inputs?input_ids=" + input_ +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Credentials() + extra + "\r\n";
  }
  std::string Body() const { return SingleBody(Attributes("1.5", TimestampAt(1)), input_); }
  std::string Upload(const std::string& target_prefix = "") const {
    const std::string body = Body();
    return UploadHead("Content-Length: " + std::to_string(body.size()) + "\r\n", target_prefix) +
           body;
  }

  // The next response on `connection` arrives in time with `status`.
  static ::testing::AssertionResult Answers(RawConnection& connection, int status) {
    const auto response = connection.ReadResponse(kAnswerMs);
    if (!response)
      return ::testing::AssertionFailure() << "no answer within " << kAnswerMs << " ms";
    if (response->status != status) {
      return ::testing::AssertionFailure() << "HTTP " << response->status << ": " << response->body;
    }
    return ::testing::AssertionSuccess();
  }

  // Sends `bytes` on a new connection and expects the error `status` at
  // once, then the connection's end; nothing stored.
  void ExpectRefused(const std::string& bytes, int status, const std::string& detail_part = "") {
    RawConnection connection(server_->port());
    connection.Send(bytes);
    const auto response = connection.ReadResponse(kAnswerMs);
    ASSERT_TRUE(response.has_value()) << "no answer within " << kAnswerMs << " ms";
    EXPECT_TRUE(IsError(*response, status)) << response->body;
    EXPECT_NE(ErrorDetail(*response).find(detail_part), std::string::npos) << response->body;
    EXPECT_FALSE(response->keep_alive);
    EXPECT_TRUE(connection.ClosedWithin(kAnswerMs));
    // What followed the refused head was never read as a request.
    EXPECT_FALSE(connection.ReadResponse(200).has_value()) << connection.received();
    EXPECT_EQ(CountReadings(db_, input_), 0);
  }
};

// ---- Chunked bodies: every byte counts -------------------------------------

TEST_F(FramingTest, AnEndlessChunkExtensionIsRefusedAtItsLimit) {
  ExpectRefused(UploadHead("Transfer-Encoding: chunked\r\n") + "5;" + std::string(64 * 1024, 'a'),
                400, "chunk-size line");
}

TEST_F(FramingTest, EndlessLeadingZerosInAChunkSizeAreRefused) {
  ExpectRefused(UploadHead("Transfer-Encoding: chunked\r\n") + std::string(64 * 1024, '0'), 400,
                "chunk-size line");
}

TEST_F(FramingTest, AnEndlessTrailerIsRefused) {
  const std::string body = Body();
  ExpectRefused(UploadHead("Transfer-Encoding: chunked\r\n") +
                    Chunked(body).substr(0, Chunked(body).size() - 2) +
                    "X-Trailer: " + std::string(64 * 1024, 'a'),
                400, "trailers");
}

TEST_F(FramingTest, AChunkedBodyOnAGetEndpointIsBoundedToo) {
  ExpectRefused(FetchHead("Transfer-Encoding: chunked\r\n") + "5;" + std::string(64 * 1024, 'a'),
                400, "chunk-size line");
}

TEST_F(FramingTest, ChunkLinesEndingInABareLineFeedAreRefusedAtOnce) {
  const std::string body = Body();
  ExpectRefused(UploadHead("Transfer-Encoding: chunked\r\n") + Hex(body.size()) + "\n" + body, 400,
                "CRLF");
}

TEST_F(FramingTest, ManyTinyChunksCountTheirFramingAgainstALimit) {
  // One byte of data in each chunk, behind a 4,000-byte extension: 4 MiB
  // of framing for 1 KiB of body.
  std::string chunks;
  const std::string chunk = "1;" + std::string(4000, 'e') + "\r\n \r\n";
  for (int i = 0; i < 1024; ++i) chunks += chunk;
  ExpectRefused(UploadHead("Transfer-Encoding: chunked\r\n") + chunks, 400, "framing");
}

TEST_F(FramingTest, ChunkExtensionsAndTrailersWithinTheLimitsAreAccepted) {
  const std::string body = Body();
  RawConnection connection(server_->port());
  connection.Send(UploadHead("Transfer-Encoding: chunked\r\n") + Hex(body.size()) +
                  ";name=value;flag\r\n" + body + "\r\n0;last\r\nX-Checksum: 1\r\n\r\n");
  EXPECT_TRUE(Answers(connection, 201));
}

// ---- Transfer-Encoding ------------------------------------------------------

TEST_F(FramingTest, ATransferEncodingNotEndingInChunkedIs400AndClosesTheConnection) {
  // Read as an empty body before, the answer left the connection open and
  // the next bytes ran as a second request.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (const char* coding : {"xchunked", "identity", "chunked, identity", "\"chunked\"", ""}) {
    SCOPED_TRACE(coding);
    ExpectRefused(UploadHead(std::string("Transfer-Encoding: ") + coding + "\r\n") + smuggled, 400,
                  "Transfer-Encoding");
  }
}

TEST_F(FramingTest, CodingsBeforeChunkedAre501) {
  ExpectRefused(UploadHead("Transfer-Encoding: gzip, chunked\r\n") + Chunked(Body()), 501,
                "Transfer-Encoding");
}

TEST_F(FramingTest, TransferEncodingBesideContentLengthIs400) {
  const std::string body = Body();
  ExpectRefused(UploadHead("Transfer-Encoding: xchunked\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n") +
                    body,
                400, "Content-Length");
}

// ---- The head ----------------------------------------------------------------

TEST_F(FramingTest, Http11WithoutHostOrWithTwoIs400) {
  ExpectRefused("GET /healthz HTTP/1.1\r\n\r\n", 400, "Host");
  ExpectRefused("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host");
  ExpectRefused("GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "Host");
}

TEST_F(FramingTest, Http10WithoutHostIsServed) {
  RawConnection connection(server_->port());
  connection.Send("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(Answers(connection, 200));
}

TEST_F(FramingTest, HeadLinesEndingInABareLineFeedAreRefusedAtOnce) {
  ExpectRefused("GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n", 400, "CRLF");
}

TEST_F(FramingTest, LineFeedsInABodyThatArrivesWithItsHeadAreData) {
  // Pretty-printed JSON, in the same write as the head and followed by a
  // pipelined request: only the head's lines must end in CRLF.
  const std::string pretty = SingleBody(Attributes("2", TimestampAt(2)), input_);
  const std::string with_newlines = pretty.substr(0, 1) + "\n" + pretty.substr(1) + "\n";
  RawConnection connection(server_->port());
  connection.Send(UploadHead("Content-Length: " + std::to_string(with_newlines.size()) + "\r\n") +
                  with_newlines + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_TRUE(Answers(connection, 201));
  EXPECT_TRUE(Answers(connection, 200));
}

TEST_F(FramingTest, AnAbsoluteFormTargetIsServed) {
  RawConnection connection(server_->port());
  connection.Send(Upload("http://127.0.0.1"));
  EXPECT_TRUE(Answers(connection, 201));
  connection.Send("GET HTTP://example.com:8000/healthz HTTP/1.1\r\nHost: example.com\r\n\r\n");
  EXPECT_TRUE(Answers(connection, 200));
  EXPECT_EQ(CountReadings(db_, input_), 1);
}

TEST_F(FramingTest, AnEmptyLineBeforeTheRequestLineIsIgnored) {
  RawConnection connection(server_->port());
  connection.Send("\r\n" + Upload());
  EXPECT_TRUE(Answers(connection, 201));
  // Some clients end a POST body with an extra CRLF; it is not a request.
  connection.Send("\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_TRUE(Answers(connection, 200));
}

}  // namespace
}  // namespace dc::testing
