// Content-Encoding on an upload (docs/api.md "Upload"), against the real
// binary: gzip is decoded, its decoded size counting against the body
// limit; a corrupt one is 400; every other coding is 415 from the head,
// before the body is read.

#include <string>
#include <vector>

#include "integration/fixture.h"
#include "support/gzip.h"

namespace dc::testing {
namespace {

using ContentEncodingTest = ServerTest;

constexpr char kSampleAttributes[] =
    R"({"timestamp":"2020-10-13T14:02:39.489000Z","value":"12.5"})";

Headers WithCoding(const OrgInfo& org, const std::string& coding) {
  Headers headers = UploadHeaders(org);
  headers.emplace_back("Content-Encoding", coding);
  return headers;
}

// The head of an upload with `coding`, up to its framing fields.
std::string UploadHeadWithCoding(const OrgInfo& org, const std::string& input,
                                 const std::string& coding) {
  std::string head = "POST " + UploadTarget(input) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : WithCoding(org, coding)) head += name + ": " + value + "\r\n";
  return head;
}

TEST_F(ContentEncodingTest, GzipBodyIsDecodedAndStored) {
  for (const std::string coding : {"gzip", "GZIP", "x-gzip", "identity, gzip"}) {
    SCOPED_TRACE(coding);
    EXPECT_TRUE(IsCreated(Upload(GzipText(ReferenceSampleBody(input_)), WithCoding(org_, coding)),
                          kSampleAttributes, input_));
  }
  std::vector<std::string> attributes;
  for (int i = 0; i < 3; ++i) attributes.push_back(Attributes("1", TimestampAt(i)));
  HttpResponse batch = Upload(GzipText(BatchBody(attributes, input_)), WithCoding(org_, "gzip"));
  EXPECT_EQ(batch.status, 201) << batch.body;
  EXPECT_TRUE(JsonEquals(batch.body, R"({"meta":{"count":3}})"));
  EXPECT_EQ(CountReadings(db_, input_), 4);
}

TEST_F(ContentEncodingTest, ChunkedGzipBodyIsDecoded) {
  // As Node.js sends a body piped through zlib.createGzip().
  HttpClient client(server_->port());
  HttpResponse response = client.SendRaw(UploadHeadWithCoding(org_, input_, "gzip") +
                                         "Transfer-Encoding: chunked\r\n\r\n" +
                                         Chunked(GzipText(ReferenceSampleBody(input_)), 7));
  EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
}

TEST_F(ContentEncodingTest, IdentityIsTheBodyAsSent) {
  EXPECT_TRUE(IsCreated(Upload(ReferenceSampleBody(input_), WithCoding(org_, "identity")),
                        kSampleAttributes, input_));
}

TEST_F(ContentEncodingTest, OtherCodingsAre415FromTheHeadBeforeTheBody) {
  for (const std::string coding : {"br", "deflate", "compress", "zstd", "gzip, gzip", "gzip, br"}) {
    SCOPED_TRACE(coding);
    HttpClient client(server_->port());
    // The body is announced and never sent: an answer proves it came from
    // the head, and no 100 Continue invites the body.
    client.Write(UploadHeadWithCoding(org_, input_, coding) +
                 "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
    EXPECT_TRUE(IsHeaderError(client.ReadResponse(), 415, "content-encoding"));
    EXPECT_TRUE(client.ClosedByPeer());
  }
  // Two fields make one list: gzip twice.
  Headers twice = WithCoding(org_, "gzip");
  twice.emplace_back("Content-Encoding", "gzip");
  EXPECT_TRUE(IsHeaderError(Upload(GzipText(GzipText(ReferenceSampleBody(input_))), twice), 415,
                            "content-encoding"));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(ContentEncodingTest, GzipBombIs413AtTheLimitNotAfterInflatingIt) {
  // 256 MiB of zeros in about 256 KiB of gzip: the decoded size passes the
  // 16 MiB batch limit after 16 MiB, and the answer comes then, the server
  // having held no more than the limit and a step of it.
  const std::string bomb = GzipZeros(256);
  ASSERT_TRUE(ResetPeak(server_->pid()));
  const double before = ReadMemory(server_->pid()).peak_mib;
  EXPECT_TRUE(IsError(Upload(bomb, WithCoding(org_, "gzip")), 413));
  const double grew = ReadMemory(server_->pid()).peak_mib - before;
  // The limit's 16 MiB (twice under ASan's bookkeeping), not the bomb's 256.
  EXPECT_LT(grew, 96) << "the server's peak memory grew by " << grew << " MiB";
  // A single reading decoded past 1 MiB is 413 like one sent plain.
  const std::string padded =
      SingleBody(Attributes("1", TimestampAt(1)), input_).insert(1, 1024 * 1024, ' ');
  EXPECT_TRUE(IsError(Upload(GzipText(padded), WithCoding(org_, "gzip")), 413));
  EXPECT_EQ(CountReadings(db_, input_), 0);
  // And the server goes on serving.
  EXPECT_TRUE(IsCreated(Upload(GzipText(ReferenceSampleBody(input_)), WithCoding(org_, "gzip")),
                        kSampleAttributes, input_));
}

TEST_F(ContentEncodingTest, CorruptOrTruncatedGzipIs400AndNothingIsStored) {
  const std::string good = GzipText(ReferenceSampleBody(input_));
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
  for (const std::string& body :
       {good.substr(0, good.size() - 4), flipped, good + "trailing", ReferenceSampleBody(input_)}) {
    SCOPED_TRACE(body.size());
    EXPECT_TRUE(IsError(Upload(body, WithCoding(org_, "gzip")), 400));
  }
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(ContentEncodingTest, GzipSentWithoutContentEncodingIsNotTakenForTheBody) {
  EXPECT_TRUE(IsError(Upload(GzipText(ReferenceSampleBody(input_))), 400, ""));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

}  // namespace
}  // namespace dc::testing
