#include "support/raw_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <chrono>
#include <climits>
#include <limits>
#include <stdexcept>
#include <string>

#include "support/beast_response.h"
#include "support/test_certificate.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int64_t MillisLeft(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
}

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE on a
// connection the server has closed; this one sends with MSG_NOSIGNAL, as the
// plain path does.
int BioWrite(BIO* bio, const char* data, int size) {
  const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio)));
  BIO_clear_retry_flags(bio);
  const ssize_t n = send(fd, data, static_cast<size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_write(bio);
  }
  return static_cast<int>(n);
}

int BioRead(BIO* bio, char* data, int size) {
  const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio)));
  BIO_clear_retry_flags(bio);
  const ssize_t n = recv(fd, data, static_cast<size_t>(size), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(n);
}

long BioCtrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

BIO_METHOD* SocketBioMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "nosignal socket");
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    return m;
  }();
  return method;
}

// One client context for every connection: it trusts the test certificate.
SSL_CTX* ClientContext() {
  static SSL_CTX* const context = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_load_verify_locations(c, SharedTestCertificate().cert_file.c_str(), nullptr) != 1) {
      throw std::runtime_error("cannot load the test certificate");
    }
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    // Send() hands over what fits and is told how much that was.
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return c;
  }();
  return context;
}

}  // namespace

RawConnection::RawConnection(uint16_t port)
    : RawConnection(port, TlsTestMode() ? Transport::kTls : Transport::kPlain) {}

RawConnection::RawConnection(uint16_t port, Transport transport) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    throw std::runtime_error("connect failed");
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  if (transport == Transport::kTls) Handshake();
}

RawConnection::~RawConnection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  close(fd_);
}

void RawConnection::Handshake() {
  ssl_ = SSL_new(ClientContext());
  BIO* bio = BIO_new(SocketBioMethod());
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(fd_)));
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  SSL_set1_host(ssl_, "localhost");
  const auto deadline = Clock::now() + milliseconds(10'000);
  while (true) {
    const int result = SSL_connect(ssl_);
    if (result == 1) return;
    const int error = SSL_get_error(ssl_, result);
    const int64_t left = MillisLeft(deadline);
    if ((error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) || left <= 0) {
      char reason[256] = "timed out";
      if (left > 0) ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
      ERR_clear_error();
      SSL_free(ssl_);
      ssl_ = nullptr;
      close(fd_);
      throw std::runtime_error(std::string("TLS handshake failed: ") + reason);
    }
    Wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, static_cast<int>(left));
  }
}

void RawConnection::Wait(short events, int wait_ms) {
  pollfd p{fd_, events, 0};
  poll(&p, 1, wait_ms);
}

long RawConnection::SendSome(std::string_view bytes, bool* want_read) {
  *want_read = false;
  if (ssl_ == nullptr) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return n;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
  }
  const int n =
      SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)));
  if (n > 0) return n;
  const int error = SSL_get_error(ssl_, n);
  if (error == SSL_ERROR_WANT_WRITE) return 0;
  if (error == SSL_ERROR_WANT_READ) {
    *want_read = true;
    return 0;
  }
  return -1;  // the server has closed, or the TLS session has failed
}

long RawConnection::ReceiveSome(char* buffer, size_t size) {
  if (ssl_ == nullptr) {
    const ssize_t n = recv(fd_, buffer, size, 0);
    if (n > 0) return n;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
  }
  const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, INT_MAX)));
  if (n > 0) return n;
  const int error = SSL_get_error(ssl_, n);
  // Session tickets and the like are no data: nothing yet.
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return 0;
  return -1;  // close_notify, EOF, reset, or a broken session
}

size_t RawConnection::Send(std::string_view bytes, int wait_ms) {
  size_t sent = 0;
  const auto deadline = Clock::now() + milliseconds(wait_ms);
  while (sent < bytes.size() && !write_failed_) {
    bool want_read = false;
    const long n = SendSome(bytes.substr(sent), &want_read);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0) {
      write_failed_ = true;  // EPIPE, ECONNRESET: the server has closed
      break;
    }
    const int64_t left = MillisLeft(deadline);
    if (left <= 0) break;
    Wait(want_read ? POLLIN : POLLOUT, static_cast<int>(std::min<int64_t>(left, 100)));
    Pump();  // keep reading, so the server's answer cannot block its reads
  }
  return sent;
}

bool RawConnection::Pump() {
  char chunk[16 * 1024];
  while (!read_closed_) {
    const long n = ReceiveSome(chunk, sizeof chunk);
    if (n > 0) {
      received_.append(chunk, static_cast<size_t>(n));
    } else if (n < 0) {
      read_closed_ = true;
    } else {
      break;
    }
  }
  return !read_closed_;
}

bool RawConnection::ClosedWithin(int wait_ms) {
  const auto deadline = Clock::now() + milliseconds(wait_ms);
  while (Pump()) {
    const int64_t left = MillisLeft(deadline);
    if (left <= 0) return false;
    Wait(POLLIN, static_cast<int>(std::min<int64_t>(left, 100)));
  }
  return true;
}

std::optional<HttpResponse> RawConnection::ReadResponse(int wait_ms) {
  namespace bhttp = boost::beast::http;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  const auto deadline = Clock::now() + milliseconds(wait_ms);
  while (true) {
    if (!received_.empty()) {
      boost::beast::error_code ec;
      const size_t used = parser.put(boost::asio::buffer(received_), ec);
      received_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) return std::nullopt;
      if (parser.is_done()) break;
      if (used > 0 && !received_.empty()) continue;
    }
    const size_t before = received_.size();
    const bool open = Pump();
    if (received_.size() > before) continue;
    const int64_t left = MillisLeft(deadline);
    if (!open || left <= 0) return std::nullopt;
    Wait(POLLIN, static_cast<int>(std::min<int64_t>(left, 100)));
  }
  return FromBeast(parser.get());
}

}  // namespace dc::testing
