#pragma once

#include <cstdint>
#include <map>
#include <memory>
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
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

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
  // The socket lives behind a pointer so that the tests including this
  // header do not each compile Asio and Beast.
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace dc::testing
