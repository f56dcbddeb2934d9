#include "support/http_client.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <limits>

#include "support/beast_response.h"

namespace dc::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct HttpClient::Connection {
  net::io_context io;
  net::ip::tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(uint16_t port) : connection_(std::make_unique<Connection>()) {
  connection_->socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Request(const std::string& method, const std::string& target,
                                 const Headers& headers, const std::string& body) {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    raw += name + ": " + value + "\r\n";
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length" || lower == "transfer-encoding") has_length = true;
  }
  if (!has_length && (!body.empty() || method == "POST")) {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  raw += "\r\n" + body;
  return SendRaw(raw, method == "HEAD");
}

void HttpClient::Write(const std::string& bytes) {
  net::write(connection_->socket, net::buffer(bytes));
}

HttpResponse HttpClient::SendRaw(const std::string& bytes, bool head_response) {
  Write(bytes);
  return ReadResponse(head_response);
}

HttpResponse HttpClient::ReadResponse(bool head_response) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(head_response);
  bhttp::read(connection_->socket, connection_->buffer, parser);
  return FromBeast(parser.get());
}

HttpResponse FromBeast(const bhttp::response<bhttp::string_body>& message) {
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = std::string(field.value());
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

bool HttpClient::ClosedByPeer(int wait_ms) {
  if (connection_->buffer.size() > 0) return false;
  pollfd fd{connection_->socket.native_handle(), POLLIN, 0};
  if (poll(&fd, 1, wait_ms) <= 0) return false;
  char c;
  return recv(connection_->socket.native_handle(), &c, 1, MSG_PEEK) <= 0;
}

}  // namespace dc::testing
