#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "http/connection.h"
#include "http/connection_cap.h"
#include "http/server_context.h"
#include "http/session.h"
#include "http/tls_context.h"

namespace dc::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = listen.substr(colon + 1);
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return Status::InvalidArgument("--listen port must be 0..65535, got '" + port_text + "'");
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) return Status::InvalidArgument("--listen host must be an IP address, got '" + host + "'");
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

// accept() found no descriptor, kernel buffer or memory for a connection
// (errno values, in the system category Asio reports them in).
bool IsOutOfResources(const boost::system::error_code& ec) {
  if (ec.category() != net::error::get_system_category()) return false;
  const int value = ec.value();
  return value == EMFILE || value == ENFILE || value == ENOBUFS || value == ENOMEM;
}

// After a failed accept the next waits this long, doubling while accepts
// keep failing: the listening socket stays readable while connections wait
// in its backlog, so retrying at once would spin on the error.
constexpr std::chrono::milliseconds kFirstAcceptRetry{10};
constexpr std::chrono::milliseconds kLastAcceptRetry{200};
// Failed accepts are logged at most this often (with a count).
constexpr std::chrono::seconds kAcceptErrorLogInterval{10};

}  // namespace

// One io_context per I/O thread, each run by its own thread. A connection
// lives on one of them from accept to close, so its handlers need no strand
// and the threads share no scheduler lock or wake-ups; connections are dealt
// out in turn. The acceptor and the signals live on the first.
class HttpServer::Impl {
 public:
  Impl(Router router, ServerOptions options, RequestObserver observer)
      : context_(std::make_shared<ServerContext>(std::move(router), std::move(options),
                                                 std::move(observer))) {
    const unsigned threads = context_->options.threads
                                 ? context_->options.threads
                                 : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) {
      ios_.push_back(std::make_unique<net::io_context>(1));
      // Keeps a thread running while its context has no connection yet.
      guards_.push_back(net::make_work_guard(*ios_.back()));
    }
    acceptor_.emplace(*ios_.front());
    accept_retry_.emplace(*ios_.front());
    signals_.emplace(*ios_.front(), SIGINT, SIGTERM);
    reload_signal_.emplace(*ios_.front(), SIGHUP);
  }

  bool tls() const {
    return !context_->options.tls_cert.empty() || !context_->options.tls_key.empty();
  }

  Status LoadTls() {
    const ServerOptions& options = context_->options;
    if (options.tls_cert.empty() && options.tls_key.empty()) return Status::Ok();
    auto loaded = LoadTlsContext(options.tls_cert, options.tls_key);
    if (!loaded) return loaded.error();
    tls_ = std::move(*loaded);
    return Status::Ok();
  }

  Result<uint16_t> Listen() {
    if (tls() && !tls_) {
      if (Status loaded = LoadTls(); !loaded.ok()) return loaded;
    }
    auto endpoint = ParseListen(context_->options.listen);
    if (!endpoint) return endpoint.error();
    boost::system::error_code ec;
    acceptor_->open(endpoint->protocol(), ec);
    if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(*endpoint, ec);
    if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + context_->options.listen + ": " +
                                 ec.message());
    }
    reserve_.Hold();  // before the count: the cap leaves room for it
    if (Status capped = CapConnections(); !capped.ok()) {
      acceptor_->close(ec);
      return capped;
    }
    return acceptor_->local_endpoint().port();
  }

  void Run(std::function<void()> on_stopping) {
    on_stopping_ = std::move(on_stopping);
    signals_->async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) BeginStop();
    });
    AwaitReload();
    DoAccept();
    std::vector<std::thread> pool;
    for (size_t i = 1; i < ios_.size(); ++i) pool.emplace_back([this, i] { ios_[i]->run(); });
    ios_.front()->run();
    for (auto& thread : pool) thread.join();
  }

  void Stop() {
    net::post(*ios_.front(), [this] { BeginStop(); });
  }

  size_t OpenConnections() const { return context_->OpenConnections(); }
  size_t ConnectionLimit() const { return context_->ConnectionLimit(); }

 private:
  // Every descriptor the process holds now (the store's, the logs', the
  // listening socket) stays, so the connections get what the open-file
  // limit leaves besides them and what may open later.
  Status CapConnections() {
    const ServerOptions& options = context_->options;
    cap_ = CapConnectionsForThisProcess(options.max_refused_lingering, options.max_connections);
    if (Status room = CheckRoomForConnections(cap_, options.max_connections); !room.ok()) {
      return room;
    }
    context_->SetConnectionLimit(cap_.connections);  // no connection yet: none to close
    if (cap_.connections < options.max_connections) {
      spdlog::warn(
          "the open-file limit {} leaves room for {} connections (besides {} descriptors kept for "
          "the store, the logs and refused connections): serving at most {}, not "
          "--max-connections {}; raise the limit (ulimit -n, LimitNOFILE=) for more",
          cap_.file_limit, cap_.connections, cap_.reserved, cap_.connections,
          options.max_connections);
    }
    return Status::Ok();
  }

  void DoAccept() {
    net::io_context& home = *ios_[next_io_];
    next_io_ = (next_io_ + 1) % ios_.size();
    acceptor_->async_accept(home, [this](boost::system::error_code ec, Socket socket) {
      if (stopping_) return;
      if (ec) return OnAcceptError(ec);
      accept_retry_delay_ = kFirstAcceptRetry;
      socket.set_option(tcp::no_delay(true), ec);
      if (tls_) {
        std::make_shared<Session<TlsStream>>(std::move(socket), context_, tls_)->Start();
      } else {
        std::make_shared<Session<PlainStream>>(std::move(socket), context_)->Start();
      }
      DoAccept();
    });
  }

  // No error ends the accept loop; only Stop() does. Out of descriptors
  // (or kernel memory), the connection idle longest is closed to make room,
  // and the next accept waits a moment instead of spinning on the error.
  void OnAcceptError(const boost::system::error_code& ec) {
    if (ec == net::error::operation_aborted && !acceptor_->is_open()) return;
    bool shed = false;
    if (IsOutOfResources(ec)) {
      reserve_.Release();
      if (ec == net::error::no_descriptors) FollowFileLimit();  // EMFILE
      if (std::shared_ptr<Connection> oldest = context_->ReclaimOldestIdle()) {
        oldest->Reclaim();
        shed = true;
      }
    }
    ReportAcceptError(ec, shed);
    accept_retry_->expires_after(accept_retry_delay_);
    accept_retry_delay_ = std::min(accept_retry_delay_ * 2, kLastAcceptRetry);
    accept_retry_->async_wait([this](const boost::system::error_code& waited) {
      if (waited || stopping_) return;
      reserve_.Hold();
      DoAccept();
    });
  }

  // The limit may have been lowered since the server started (prlimit):
  // the cap follows it, so that newcomers take idle connections' places
  // rather than run out of descriptors again.
  void FollowFileLimit() {
    const uint64_t limit = CurrentFileLimit();
    if (limit == 0 || limit == cap_.file_limit) return;
    const ServerOptions& options = context_->options;
    const size_t others = cap_.reserved - kLaterDescriptors - options.max_refused_lingering;
    cap_ =
        http::CapConnections(limit, others, options.max_refused_lingering, options.max_connections);
    cap_.connections = std::max<size_t>(cap_.connections, 1);
    const auto reclaimed = context_->SetConnectionLimit(cap_.connections);
    for (const auto& session : reclaimed) session->Reclaim();
    spdlog::warn(
        "the open-file limit is now {}: serving at most {} connections (closed {} idle ones)",
        limit, cap_.connections, reclaimed.size());
  }

  void ReportAcceptError(const boost::system::error_code& ec, bool shed) {
    ++accept_errors_;
    const auto now = std::chrono::steady_clock::now();
    if (accept_errors_reported_ && now - *accept_errors_reported_ < kAcceptErrorLogInterval) {
      return;
    }
    spdlog::warn("accept failed: {} ({} failures since the last report); {}", ec.message(),
                 accept_errors_,
                 shed ? "closed the connection idle longest to make room, retrying"
                      : "retrying in a moment");
    accept_errors_ = 0;
    accept_errors_reported_ = now;
  }

  // certbot and the like replace the files, then send SIGHUP. Open
  // connections keep the context they were accepted with.
  void AwaitReload() {
    reload_signal_->async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (tls()) {
        auto loaded = LoadTlsContext(context_->options.tls_cert, context_->options.tls_key);
        if (loaded) {
          tls_ = std::move(*loaded);
          spdlog::info("reloaded the TLS certificate {} and key {}", context_->options.tls_cert,
                       context_->options.tls_key);
        } else {
          spdlog::error("SIGHUP: kept the previous TLS certificate: {}", loaded.error().detail());
        }
      } else {
        spdlog::info("SIGHUP: no TLS certificate to reload");
      }
      if (!stopping_) AwaitReload();
    });
  }

  // Runs on the first context's thread, as every acceptor handler does.
  void BeginStop() {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
    signals_->cancel(ignored);
    reload_signal_->cancel(ignored);
    context_->draining.store(true);
    context_->DrainAll();
    // Each thread now ends once its connections have finished.
    for (auto& guard : guards_) guard.reset();
    if (on_stopping_) on_stopping_();
  }

  std::shared_ptr<ServerContext> context_;
  std::vector<std::unique_ptr<net::io_context>> ios_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::optional<tcp::acceptor> acceptor_;
  // The pause after a failed accept, and the cap of connections in force;
  // only touched on the first context's thread (and by Listen, before Run).
  std::optional<net::steady_timer> accept_retry_;
  std::chrono::milliseconds accept_retry_delay_ = kFirstAcceptRetry;
  ConnectionCap cap_;
  DescriptorReserve reserve_;
  size_t accept_errors_ = 0;
  std::optional<std::chrono::steady_clock::time_point> accept_errors_reported_;
  std::optional<net::signal_set> signals_;
  std::optional<net::signal_set> reload_signal_;
  // The certificate new connections get; null without TLS. Only touched on
  // the first context's thread (LoadTls runs before Run).
  std::shared_ptr<net::ssl::context> tls_;
  size_t next_io_ = 0;  // only touched on the first context's thread
  std::function<void()> on_stopping_;
  bool stopping_ = false;  // only touched on the first context's thread
};

HttpServer::HttpServer(Router router, ServerOptions options, RequestObserver observer)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(options), std::move(observer))) {}
Status HttpServer::LoadTls() { return impl_->LoadTls(); }
const char* HttpServer::scheme() const { return impl_->tls() ? "https" : "http"; }
HttpServer::~HttpServer() = default;
Result<uint16_t> HttpServer::Listen() { return impl_->Listen(); }
void HttpServer::Run(std::function<void()> on_stopping) { impl_->Run(std::move(on_stopping)); }
void HttpServer::Stop() { impl_->Stop(); }
size_t HttpServer::OpenConnections() const { return impl_->OpenConnections(); }
size_t HttpServer::ConnectionLimit() const { return impl_->ConnectionLimit(); }

}  // namespace dc::http
