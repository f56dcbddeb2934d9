#include "support/http_client.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>
#include <stdexcept>

#include "support/beast_response.h"
#include "support/test_certificate.h"

namespace dc::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;

struct HttpClient::Connection {
  net::io_context io;
  net::ip::tcp::socket socket{io};
  std::optional<ssl::context> tls_context;  // declared before tls, which uses it
  std::optional<ssl::stream<net::ip::tcp::socket&>> tls;
  beast::flat_buffer buffer;

  // Calls `f` with the stream requests go over: the TLS stream or the
  // socket itself.
  template <class F>
  decltype(auto) Visit(F&& f) {
    if (tls) return f(*tls);
    return f(socket);
  }
};

namespace {

// ALPN's wire form: each protocol prefixed with its length.
std::string AlpnWire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const std::string& protocol : protocols) {
    wire += static_cast<char>(protocol.size());
    wire += protocol;
  }
  return wire;
}

}  // namespace

HttpClient::HttpClient(uint16_t port)
    : HttpClient(port, TlsTestMode() ? Transport::kTls : Transport::kPlain) {}

HttpClient::HttpClient(uint16_t port, Transport transport, const TlsOptions& options)
    : connection_(std::make_unique<Connection>()) {
  Connection& c = *connection_;
  c.socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  if (transport == Transport::kPlain) return;

  c.tls_context.emplace(ssl::context::tls_client);
  SSL_CTX* context = c.tls_context->native_handle();
  c.tls_context->load_verify_file(options.trusted_cert_file.empty()
                                      ? SharedTestCertificate().cert_file
                                      : options.trusted_cert_file);
  c.tls_context->set_verify_mode(ssl::verify_peer);
  if (options.min_version != 0) SSL_CTX_set_min_proto_version(context, options.min_version);
  if (options.max_version != 0) SSL_CTX_set_max_proto_version(context, options.max_version);
  if ((options.min_version != 0 && options.min_version < TLS1_2_VERSION) ||
      (options.max_version != 0 && options.max_version < TLS1_2_VERSION)) {
    // OpenSSL 3's default level 1 forbids TLS 1.0 and 1.1 on the client too.
    SSL_CTX_set_security_level(context, 0);
  }
  if (!options.alpn.empty()) {
    const std::string wire = AlpnWire(options.alpn);
    SSL_CTX_set_alpn_protos(context, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
  }
  c.tls.emplace(c.socket, *c.tls_context);
  SSL_set_tlsext_host_name(c.tls->native_handle(), "localhost");
  c.tls->set_verify_callback(ssl::host_name_verification("localhost"));
  c.tls->handshake(ssl::stream_base::client);
}

bool HttpClient::tls() const { return connection_->tls.has_value(); }

std::string HttpClient::PeerCertificatePem() const {
  if (!connection_->tls) return "";
  X509* peer = SSL_get1_peer_certificate(connection_->tls->native_handle());
  if (peer == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, peer);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  X509_free(peer);
  return pem;
}

std::string HttpClient::AlpnProtocol() const {
  if (!connection_->tls) return "";
  const unsigned char* protocol = nullptr;
  unsigned size = 0;
  SSL_get0_alpn_selected(connection_->tls->native_handle(), &protocol, &size);
  return std::string(reinterpret_cast<const char*>(protocol), size);
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
  connection_->Visit([&](auto& stream) { net::write(stream, net::buffer(bytes)); });
}

HttpResponse HttpClient::SendRaw(const std::string& bytes, bool head_response) {
  Write(bytes);
  return ReadResponse(head_response);
}

HttpResponse HttpClient::ReadResponse(bool head_response) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(head_response);
  connection_->Visit([&](auto& stream) { bhttp::read(stream, connection_->buffer, parser); });
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
  if (connection_->tls) return ClosedByTlsPeer(wait_ms);
  pollfd fd{connection_->socket.native_handle(), POLLIN, 0};
  if (poll(&fd, 1, wait_ms) <= 0) return false;
  char c;
  return recv(connection_->socket.native_handle(), &c, 1, MSG_PEEK) <= 0;
}

// A peek cannot tell a TLS record of data from a close_notify, and TLS 1.3
// servers send session tickets after the handshake: so records are read
// (without blocking) until one brings data, which is kept, or the end.
bool HttpClient::ClosedByTlsPeer(int wait_ms) {
  Connection& c = *connection_;
  const int fd = c.socket.native_handle();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (true) {
    beast::error_code ec;
    c.socket.non_blocking(true);
    const size_t bytes = c.tls->read_some(c.buffer.prepare(16 * 1024), ec);
    c.socket.non_blocking(false);
    c.buffer.commit(bytes);
    if (bytes > 0) return false;
    if (ec != net::error::would_block && ec != net::error::try_again) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fds{fd, POLLIN, 0};
    if (poll(&fds, 1, static_cast<int>(std::max<int64_t>(0, left.count()))) <= 0) return false;
  }
}

}  // namespace dc::testing
