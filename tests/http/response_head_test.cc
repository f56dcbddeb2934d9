#include "http/response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>
#include <string>

#include "http/http_date.h"

namespace dc::http {
namespace {

namespace bhttp = boost::beast::http;

// What the session wrote before it formatted responses itself: Beast's
// serializer over a string_body message, built field by field.
std::string BeastText(const Response& response, const Framing& framing, bool head_request) {
  bhttp::response<bhttp::string_body> message;
  message.result(static_cast<unsigned>(response.status));
  message.version(framing.version);
  message.set(bhttp::field::server, "datacooee");
  message.set(bhttp::field::date, HttpDateNow());
  if (!response.content_type.empty())
    message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.keep_alive(framing.keep_alive);
  message.content_length(response.body.size());
  if (!head_request) message.body() = response.body;
  std::ostringstream out;
  out << message;
  return out.str();
}

std::string OurText(const Response& response, const Framing& framing, bool head_request) {
  std::string head;
  FormatResponseHead(response, framing, head);
  return head_request ? head : head + response.body;
}

// The Date field may tick between the two; everything else must be equal.
std::string WithoutDate(std::string text) {
  const size_t start = text.find("\r\nDate: ");
  if (start != std::string::npos) text.erase(start, text.find("\r\n", start + 2) - start);
  return text;
}

void ExpectSameAsBeast(const Response& response, const Framing& framing, bool head_request) {
  EXPECT_EQ(WithoutDate(OurText(response, framing, head_request)),
            WithoutDate(BeastText(response, framing, head_request)))
      << "status " << response.status << ", version " << framing.version << ", keep-alive "
      << framing.keep_alive << ", HEAD " << head_request;
}

Response Created() {
  Response response;
  response.status = 201;
  response.content_type = "application/vnd.api+json";
  response.body = R"({"data":{"type":"SensorData","id":"1"}})";
  return response;
}

TEST(ResponseHead, MatchesBeastForEveryVersionAndConnectionChoice) {
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {true, false}) {
      for (bool head_request : {false, true}) {
        ExpectSameAsBeast(Created(), Framing{version, keep_alive}, head_request);
      }
    }
  }
}

TEST(ResponseHead, MatchesBeastWithExtraFieldsAndWithoutContentType) {
  Response refused = ErrorResponse(Status::Unavailable("too many open connections"));
  refused.headers.emplace_back("Retry-After", "1");
  ExpectSameAsBeast(refused, Framing{11, false}, false);

  Response not_allowed = ErrorResponse(Status::MethodNotAllowed("no"));
  not_allowed.headers.emplace_back("Allow", "GET, HEAD");
  ExpectSameAsBeast(not_allowed, Framing{11, true}, false);

  Response empty;
  empty.status = 204;
  ExpectSameAsBeast(empty, Framing{11, true}, false);
}

TEST(ResponseHead, ReusedBufferHoldsOnlyTheLatestHead) {
  std::string head;
  Response large = Created();
  large.headers.emplace_back("X-Padding", std::string(500, 'p'));
  FormatResponseHead(large, Framing{}, head);
  FormatResponseHead(Created(), Framing{}, head);
  EXPECT_EQ(head.find("X-Padding"), std::string::npos);
  EXPECT_EQ(head.substr(0, 22), "HTTP/1.1 201 Created\r\n");
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace dc::http
