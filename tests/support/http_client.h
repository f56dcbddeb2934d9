#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dc::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// A blocking HTTP/1.1 client over one real TCP connection to 127.0.0.1,
// kept alive between requests. Throws on I/O errors (tests only).
class HttpClient {
 public:
  explicit HttpClient(uint16_t port);

  HttpResponse Request(const std::string& method, const std::string& target,
                       const Headers& headers = {}, const std::string& body = "");
  // Writes `bytes` as they are, then reads one response.
  HttpResponse SendRaw(const std::string& bytes, bool head_response = false);
  // Writes bytes without reading.
  void Write(const std::string& bytes);
  // Reads one response.
  HttpResponse ReadResponse(bool head_response = false);
  // True when the server has closed the connection (reads EOF within
  // `wait_ms`).
  bool ClosedByPeer(int wait_ms = 2000);

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace dc::testing
