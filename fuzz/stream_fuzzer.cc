// Fuzzes the raw bytes of a connection: heads, chunked and fixed-length
// bodies, pipelined requests, split at arbitrary points, sent over loopback
// to the real HTTP server (sessions, framing rules, router, endpoints,
// ingest writer, SQLite store) running in this process. Whatever arrives,
// every answer must be a well-formed HTTP response with a status
// docs/api.md allows (no 5xx but 501 and 503; errors with a JSON body),
// and once the client has sent everything and shut its side, the server
// must end the connection promptly.
//
// Input layout (FuzzedDataProvider): from the back, the number of extra
// splits and their offsets; the rest, from the front, is the byte stream.
// A seed that is plain HTTP followed by one zero byte is sent unsplit.
#include <fuzzer/FuzzedDataProvider.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fuzz_server.h"
#include "http/server.h"

namespace {

using dc::fuzz::Die;
namespace bhttp = boost::beast::http;

// The server must close within this of the client's end of input: every
// state (idle, head, body, lingering) ends at EOF.
constexpr int kCloseWaitMs = 5000;

uint16_t port = 0;
// STREAM_FUZZER_TRACE=1 prints what was sent and answered.
bool trace = false;

void StartServer() {
  dc::fuzz::FuzzServer& parts = dc::fuzz::OpenFuzzServer("stream_fuzzer");
  dc::http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  // Never freed, like the server's parts (see FuzzServer).
  auto* server = new dc::http::HttpServer(parts.MakeRouter(), options);
  auto bound = server->Listen();
  if (!bound) Die("Listen:", bound.error().detail());
  port = *bound;
  std::thread([server] { server->Run(); }).detach();
}

int Connect() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Die("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    // libFuzzer's timer signal can interrupt the connect, which then goes
    // on by itself (connect(2)): wait for its outcome.
    if (errno != EINTR) Die("connect failed:", std::strerror(errno));
    pollfd waiting{fd, POLLOUT, 0};
    while (poll(&waiting, 1, kCloseWaitMs) < 0 && errno == EINTR) {
    }
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (!(waiting.revents & POLLOUT) || error != 0) {
      Die("connect failed after an interrupt:", std::strerror(error));
    }
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends each part in its own write, a moment apart, so the server reads
// them separately. The server may close early; what it refused to read is
// not an error.
void SendParts(int fd, const std::vector<std::string_view>& parts) {
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
    std::string_view part = parts[i];
    while (!part.empty()) {
      const ssize_t sent = send(fd, part.data(), part.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return;
      part.remove_prefix(static_cast<size_t>(sent));
    }
  }
}

// Everything the server sends until it closes; dies if it does not close.
std::string ReceiveUntilClosed(int fd) {
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kCloseWaitMs);
  char buffer[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) Die("the server did not close the connection; it sent:", received);
    pollfd waiting{fd, POLLIN, 0};
    if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return received;  // closed, or reset after a refusal
    received.append(buffer, static_cast<size_t>(got));
  }
}

bool IsAllowedStatus(unsigned status) {
  switch (status) {
    case 100:
    case 200:
    case 201:
    case 400:
    case 401:
    case 403:
    case 404:
    case 405:
    case 409:
    case 413:
    case 414:
    case 415:
    case 431:
    case 501:
    case 503:
      return true;
    default:
      return false;
  }
}

// Checks each response in `received`. A response to HEAD has a length but
// no body: it is the one whose head is followed by the next status line, or
// by nothing.
void CheckResponses(std::string_view received) {
  while (!received.empty()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(false);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(received.data(), received.size()), ec);
    if (ec || !parser.is_header_done()) Die("not an HTTP response head:", std::string(received));
    received.remove_prefix(used);
    const unsigned status = parser.get().result_int();
    if (!IsAllowedStatus(status)) Die("unexpected status", std::to_string(status));
    if (received.empty() || received.substr(0, 7) == "HTTP/1.") continue;  // HEAD
    parser.eager(true);
    used = parser.put(boost::asio::buffer(received.data(), received.size()), ec);
    if (ec || !parser.is_done()) Die("a response body is cut short:", std::string(received));
    received.remove_prefix(used);
    const std::string& body = parser.get().body();
    if (status >= 400) {
      rapidjson::Document doc;
      doc.Parse(body.data(), body.size());
      if (doc.HasParseError()) Die("an error body is not JSON:", body);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trace = std::getenv("STREAM_FUZZER_TRACE") != nullptr;
  StartServer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t splits = in.ConsumeIntegralInRange<size_t>(0, 6);
  std::vector<size_t> offsets;
  for (size_t i = 0; i < splits && in.remaining_bytes() > 0; ++i) {
    offsets.push_back(in.ConsumeIntegral<uint16_t>());
  }
  const std::string stream = in.ConsumeRemainingBytesAsString();
  for (size_t& offset : offsets) offset = stream.empty() ? 0 : offset % stream.size();
  offsets.push_back(0);
  offsets.push_back(stream.size());
  std::sort(offsets.begin(), offsets.end());
  std::vector<std::string_view> parts;
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i + 1] > offsets[i]) {
      parts.push_back(std::string_view(stream).substr(offsets[i], offsets[i + 1] - offsets[i]));
    }
  }

  const int fd = Connect();
  SendParts(fd, parts);
  shutdown(fd, SHUT_WR);
  const std::string received = ReceiveUntilClosed(fd);
  close(fd);
  if (trace) {
    std::fprintf(stderr, "stream_fuzzer: sent %zu bytes in %zu parts, got:\n%s\n", stream.size(),
                 parts.size(), received.c_str());
  }
  CheckResponses(received);
  return 0;
}
