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

enum class Transport { kPlain, kTls };

// How a TLS client connects.
struct TlsOptions {
  // PEM certificate the server must present (verified, with the name
  // "localhost", which is also sent as SNI); empty: the test certificate.
  std::string trusted_cert_file;
  // ALPN protocols offered, in order of preference; empty: no ALPN.
  std::vector<std::string> alpn;
  // Protocol versions the client offers, as OpenSSL numbers them (0x0303 is
  // TLS 1.2); 0: OpenSSL's default. A version below TLS 1.2 also lowers the
  // client's security level so that only the server can refuse it.
  int min_version = 0;
  int max_version = 0;
};

// A blocking HTTP/1.1 client over one real TCP connection to 127.0.0.1,
// plain or TLS, kept alive between requests. Throws on I/O errors, and on a
// failed TLS handshake (tests only). Not thread-safe.
class HttpClient {
 public:
  // Plain TCP; TLS with the test certificate when TlsTestMode() (so that
  // the integration suite can run over TLS unchanged).
  explicit HttpClient(uint16_t port);
  HttpClient(uint16_t port, Transport transport, const TlsOptions& tls = {});
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
  // True when the server has closed the connection (reads EOF or a reset
  // within `wait_ms`; over TLS also a close_notify or a truncated stream).
  // Over TLS, application data that arrives meanwhile is kept for
  // ReadResponse.
  bool ClosedByPeer(int wait_ms = 2000);

  bool tls() const;
  // TLS only: the certificate the server presented (PEM), and the ALPN
  // protocol it chose ("" when none).
  std::string PeerCertificatePem() const;
  std::string AlpnProtocol() const;

 private:
  bool ClosedByTlsPeer(int wait_ms);

  // The socket lives behind a pointer so that the tests including this
  // header do not each compile Asio and Beast.
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace dc::testing
