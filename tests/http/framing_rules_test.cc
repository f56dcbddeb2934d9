#include "http/framing_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace dc::http {
namespace {

class ListHeaders final : public HeaderLookup {
 public:
  ListHeaders(std::initializer_list<std::pair<std::string, std::string>> fields)
      : fields_(fields) {}
  std::optional<std::string_view> Get(std::string_view name) const override {
    const HeaderValues all = GetAll(name);
    if (all.empty()) return std::nullopt;
    return all.front();
  }
  HeaderValues GetAll(std::string_view name) const override {
    HeaderValues values;
    for (const auto& [field, value] : fields_) {
      if (field == name) values.emplace_back(value);
    }
    return values;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

int StatusOf(const Status& status) { return HttpStatusOf(status.code()); }

int Framing(std::initializer_list<std::pair<std::string, std::string>> fields,
            bool content_length = false, unsigned version = 11) {
  return StatusOf(CheckFraming(ListHeaders(fields), version, content_length));
}

TEST(FramingRules, TransferEncodingMustEndInChunked) {
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", "chunked"}}), 200);
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", " Chunked "}}), 200);
  for (const char* coding : {"xchunked", "identity", "chunked, identity", "\"chunked\"", "", " , ",
                             "chunked;q=1", "gzip"}) {
    EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", coding}}), 400) << coding;
  }
}

TEST(FramingRules, CodingsBeforeChunkedAreNotImplemented) {
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", "gzip, chunked"}}), 501);
  // Two fields are one list.
  EXPECT_EQ(
      Framing({{"host", "h"}, {"transfer-encoding", "gzip"}, {"transfer-encoding", "chunked"}}),
      501);
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", "chunked, chunked"}}), 400);
}

TEST(FramingRules, TransferEncodingWithContentLengthIsRefused) {
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", "chunked"}}, true), 400);
  EXPECT_EQ(Framing({{"host", "h"}, {"transfer-encoding", "xchunked"}}, true), 400);
  EXPECT_EQ(Framing({{"host", "h"}}, true), 200);
}

TEST(FramingRules, Http11NeedsExactlyOneValidHost) {
  EXPECT_EQ(Framing({}), 400);
  EXPECT_EQ(Framing({}, false, 10), 200);
  EXPECT_EQ(Framing({{"host", "a"}, {"host", "a"}}), 400);
  EXPECT_EQ(Framing({{"host", "a"}, {"host", "b"}}, false, 10), 400);
  EXPECT_EQ(Framing({{"host", "example.com:8443"}}), 200);
  EXPECT_EQ(Framing({{"host", "[::1]:80"}}), 200);
  EXPECT_EQ(Framing({{"host", ""}}), 200);  // allowed when the target has no authority
  EXPECT_EQ(Framing({{"host", "a b"}}), 400);
  EXPECT_EQ(Framing({{"host", "user@host"}}), 400);
  EXPECT_EQ(Framing({{"host", "host/path"}}), 400);
}

TEST(FramingRules, AbsoluteFormBecomesOriginForm) {
  EXPECT_EQ(OriginForm("/api/x?y=1"), "/api/x?y=1");
  EXPECT_EQ(OriginForm("http://example.com/api/x?y=1"), "/api/x?y=1");
  EXPECT_EQ(OriginForm("HTTPS://example.com:8443/healthz"), "/healthz");
  EXPECT_EQ(OriginForm("http://example.com"), "/");
  EXPECT_EQ(OriginForm("http://example.com?x"), "/");
  EXPECT_EQ(OriginForm("ftp://example.com/x"), "ftp://example.com/x");
  EXPECT_EQ(OriginForm("*"), "*");
}

TEST(FramingRules, EmptyLinesBeforeTheRequestLine) {
  EXPECT_EQ(LeadingEmptyLines("GET / HTTP/1.1\r\n"), 0u);
  EXPECT_EQ(LeadingEmptyLines("\r\nGET"), 2u);
  EXPECT_EQ(LeadingEmptyLines("\r\n\r\n\r"), 4u);
  EXPECT_EQ(LeadingEmptyLines("\n"), 0u);
}

TEST(FramingRules, BareLineFeeds) {
  EXPECT_FALSE(HasBareLineFeed("GET / HTTP/1.1\r\nHost: a\r\n"));
  EXPECT_FALSE(HasBareLineFeed("5\r"));
  EXPECT_TRUE(HasBareLineFeed("5\nhello"));
  EXPECT_TRUE(HasBareLineFeed("\n"));
  EXPECT_TRUE(HasBareLineFeed("a\r\nb\n"));
}

TEST(FramingRules, TheHeadPartEndsAtTheEmptyLine) {
  EXPECT_EQ(HeadPart("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody\n"),
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(HeadPart("Host: a\r\nX: b"), "Host: a\r\nX: b");
  EXPECT_EQ(HeadPart("\r\n{\"a\":\n1}"), "\r\n");
}

TEST(FramingRules, PendingChunkLinesAreBounded) {
  const ChunkLimits limits;
  EXPECT_TRUE(CheckChunkFraming("5;name=val", 0, limits).ok());
  EXPECT_TRUE(CheckChunkFraming("\r\n1f", 0, limits).ok());
  EXPECT_TRUE(CheckChunkFraming(std::string(limits.line, '0'), 0, limits).ok());
  // Endless leading zeros, or an endless extension, end at the line limit.
  EXPECT_EQ(StatusOf(CheckChunkFraming(std::string(limits.line + 1, '0'), 0, limits)), 400);
  EXPECT_EQ(StatusOf(CheckChunkFraming("5;" + std::string(limits.line, 'a'), 0, limits)), 400);
  EXPECT_EQ(StatusOf(CheckChunkFraming("5\nhello", 0, limits)), 400);
}

TEST(FramingRules, AllTheFramingOfABodyIsBounded) {
  const ChunkLimits limits;
  EXPECT_TRUE(CheckChunkFraming("1;e", limits.framing, limits).ok());
  EXPECT_EQ(StatusOf(CheckChunkFraming("1;e", limits.framing + 1, limits)), 400);
}

TEST(FramingRules, PendingTrailersAreBounded) {
  const ChunkLimits limits;
  EXPECT_TRUE(CheckChunkFraming("0\r\nX-Sum: 1\r\n", 0, limits).ok());
  const std::string endless = "0\r\nX-Long: " + std::string(limits.trailers, 'a');
  EXPECT_EQ(StatusOf(CheckChunkFraming(endless, 0, limits)), 400);
  EXPECT_EQ(StatusOf(CheckChunkFraming("0\r\nX: 1\n", 0, limits)), 400);
}

}  // namespace
}  // namespace dc::http
