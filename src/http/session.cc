#include "http/session.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstring>
#include <limits>

#include "http/beast_headers.h"
#include "http/framing_rules.h"
#include "http/response_head.h"

namespace dc::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr ChunkLimits kChunkLimits;
// After refusing a request whose body was not read, keep reading (and
// dropping) for a moment so the client sees the response instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
// How long a closing TLS connection waits for its close_notify to be sent
// (and answered).
constexpr auto kTlsShutdownTime = std::chrono::milliseconds(500);

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

bool IsQuietDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == net::error::broken_pipe ||
         ec == net::error::bad_descriptor;
}

// What the parser has not taken yet.
std::string_view Pending(const beast::flat_buffer& buffer) {
  return std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size());
}

}  // namespace

template <class Stream>
Session<Stream>::Session(Socket&& socket, std::shared_ptr<ServerContext> context,
                         std::shared_ptr<net::ssl::context> tls)
    : tls_(std::move(tls)),
      stream_(MakeStream(std::move(socket), tls_.get())),
      context_(std::move(context)) {}

template <class Stream>
Stream Session<Stream>::MakeStream(Socket&& socket, net::ssl::context* tls) {
  if constexpr (kTls) {
    return Stream(std::move(socket), *tls);
  } else {
    (void)tls;
    return Stream(std::move(socket));
  }
}

template <class Stream>
Session<Stream>::~Session() {
  context_->Unregister(slot_);
  if (refused_linger_) context_->EndRefusedLinger();
}

template <class Stream>
void Session<Stream>::Start() {
  // Admitted here, in accept order, so the count of places is exact; the
  // rest of the session's state lives on its thread.
  std::shared_ptr<Connection> reclaimed;
  const bool admitted = context_->Admit(this->shared_from_this(), slot_, &reclaimed);
  if (reclaimed) reclaimed->Reclaim();
  started_ = std::chrono::steady_clock::now();
  net::dispatch(Tcp().get_executor(), [self = this->shared_from_this(), admitted] {
    // On the connection's own thread: the acceptor's serves every new
    // connection and should not format addresses.
    if (self->context_->observer) {
      beast::error_code ec;
      const auto peer = self->Tcp().socket().remote_endpoint(ec);
      if (!ec) self->peer_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    }
    self->refused_ = !admitted;
    if (!admitted) {
      // Refused connections hold no place, so only a bounded number may
      // linger to read their 503; over TLS that includes the handshake.
      self->refused_linger_ = self->context_->BeginRefusedLinger();
      if (kTls && !self->refused_linger_) return self->CloseSocket();
    }
    if constexpr (kTls) return self->DoHandshake();
    if (!admitted) return self->Refuse();
    self->DoReadIdle();
  });
}

// The handshake is bounded by the header timeout, so a client that never
// finishes it is dropped like one that never finishes its head; until it
// is done the connection counts as idle, and a newcomer may take its place.
template <class Stream>
void Session<Stream>::DoHandshake() {
  if constexpr (kTls) {
    idle_ = true;
    Tcp().expires_after(context_->options.header_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              self->idle_ = false;
                              if (ec) return self->CloseSocket();
                              self->handshake_done_ = true;
                              if (self->refused_) return self->Refuse();
                              self->DoReadIdle();
                            });
  }
}

// Every place is held by a connection in the middle of a request.
template <class Stream>
void Session<Stream>::Refuse() {
  // The client may have sent its request already: lingering (reading and
  // dropping it) lets it read the 503 instead of a reset.
  body_unread_ = refused_linger_;
  Response response =
      ErrorResponse(Status::Unavailable("too many open connections; retry shortly"));
  response.headers.emplace_back("Retry-After", "1");
  response.close = true;
  Write(std::move(response));
}

template <class Stream>
void Session<Stream>::Drain() {
  net::post(Tcp().get_executor(), [self = this->shared_from_this()] { self->StopAfterRequest(); });
}

template <class Stream>
void Session<Stream>::Reclaim() {
  net::post(Tcp().get_executor(), [self = this->shared_from_this()] { self->StopAfterRequest(); });
}

template <class Stream>
void Session<Stream>::StopAfterRequest() {
  closing_ = true;
  // A request that has already arrived is still answered (and the
  // connection closed after it); only a connection with nothing to do is
  // closed now. Cancelling, not closing: if the pending read has already
  // taken the request's bytes, it completes with them, and OnReadIdle
  // serves the request; otherwise it completes as aborted and closes.
  if (idle_ && (!handshake_done_ || !HasUnreadBytes())) Tcp().cancel();
}

template <class Stream>
bool Session<Stream>::HasUnreadBytes() {
  beast::error_code ec;
  const size_t available = Tcp().socket().available(ec);
  return !ec && available > 0;
}

template <class Stream>
void Session<Stream>::DoReadIdle() {
  if (buffer_.size() > 0) return DoReadHeader();     // a pipelined request is waiting
  if (!context_->EnterIdle(slot_)) closing_ = true;  // a newcomer took the place
  if ((closing_ || context_->draining.load()) && !HasUnreadBytes()) return Close();
  idle_ = true;
  Tcp().expires_after(context_->options.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      beast::bind_front_handler(&Session<Stream>::OnReadIdle, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnReadIdle(beast::error_code ec, size_t bytes) {
  idle_ = false;
  if (!context_->LeaveIdle(slot_)) closing_ = true;  // a newcomer took the place
  if (ec) return Close();
  buffer_.commit(bytes);
  DoReadHeader();
}

template <class Stream>
void Session<Stream>::DoReadHeader() {
  // The previous request's fields are gone with its parser; their memory
  // can be handed out again.
  parser_.reset();
  field_arena_.Reset();
  started_ = std::chrono::steady_clock::now();
  answered_ = false;
  route_ = {};
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(FieldAllocator<char>(&field_arena_)));
  parser_->header_limit(context_->options.header_limit);
  // No body limit yet: the route sets it after admission, so that the order
  // of checks (route, method, credentials, ..., size) holds. Not
  // boost::none: Boost 1.74 compares a Content-Length against none as if
  // none were the smallest limit.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  header_bytes_ = 0;
  Tcp().expires_after(context_->options.header_timeout);
  ParseHeader();
}

// The head is fed to the parser here rather than by async_read_header:
// Boost 1.74's parser applies header_limit to each call anew and drops the
// lines it has parsed, so a head arriving in several reads could otherwise
// grow past the limit without bound. Counted here: what the parser took plus
// what waits in the buffer.
template <class Stream>
void Session<Stream>::ParseHeader() {
  beast::error_code ec = bhttp::error::need_more;
  std::string_view pending = Pending(buffer_);
  if (!parser_->got_some()) {
    const size_t empty_lines = LeadingEmptyLines(pending);
    buffer_.consume(empty_lines);
    header_bytes_ += empty_lines;
    pending = Pending(buffer_);
  }
  // Beast's parser would wait for a CRLF, or misread the line.
  if (HasBareLineFeed(HeadPart(pending))) {
    return AnswerTransportError(
        Status::InvalidArgument("request head lines must end in CRLF, not LF alone"));
  }
  // A lone CR may begin an empty line: the parser must not see it yet.
  if (parser_->got_some() || pending != "\r") {
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    header_bytes_ += used;
  }
  if (ec == bhttp::error::need_more) {
    const uint64_t seen = header_bytes_ + buffer_.size();
    if (seen >= context_->options.header_limit) {
      ec = bhttp::error::header_limit;
    } else {
      // Never more than the limit: a head arriving slowly then fits the
      // buffer the idle read made, rather than doubling it.
      const size_t room = static_cast<size_t>(
          std::min<uint64_t>(kReadChunk, context_->options.header_limit - seen));
      stream_.async_read_some(
          buffer_.prepare(room),
          beast::bind_front_handler(&Session<Stream>::OnReadHeaderSome, this->shared_from_this()));
      return;
    }
  }
  OnReadHeader(ec);
}

template <class Stream>
void Session<Stream>::OnReadHeaderSome(beast::error_code ec, size_t bytes) {
  if (ec == net::error::eof) {
    // As async_read_header reports it: nothing yet is a quiet end.
    ec = parser_->got_some() ? bhttp::error::partial_message : bhttp::error::end_of_stream;
  }
  if (ec) return OnReadHeader(ec);
  buffer_.commit(bytes);
  ParseHeader();
}

template <class Stream>
void Session<Stream>::OnReadHeader(beast::error_code ec) {
  if (ec == bhttp::error::header_limit) {
    // A request line that alone does not fit is a too-long URI. Once the
    // parser has taken the request line (it has a target), the fields are
    // what is too large; before that, the buffer still starts with the line.
    const std::string_view seen = Pending(buffer_);
    const size_t line_end = seen.find("\r\n");
    const bool line_parsed = !parser_->get().target().empty();
    if (!line_parsed &&
        (line_end == std::string_view::npos || line_end >= context_->options.header_limit)) {
      return AnswerTransportError(Status::UriTooLong(
          "request line longer than " + std::to_string(context_->options.header_limit) + " bytes"));
    }
    return AnswerTransportError(Status::HeaderTooLarge(
        "request head larger than " + std::to_string(context_->options.header_limit) + " bytes"));
  }
  if (ec) {
    if (IsQuietDisconnect(ec)) return Close();
    return AnswerTransportError(Status::InvalidArgument("malformed HTTP request: " + ec.message()));
  }
  Admit();
}

template <class Stream>
void Session<Stream>::Admit() {
  const auto& request = parser_->get();
  head_request_ = request.method() == bhttp::verb::head;
  const beast::string_view target = request.target();
  const beast::string_view method_text = request.method_string();
  BeastHeaders headers(request.base());
  const Status framing =
      CheckFraming(headers, request.version(), parser_->content_length().has_value());
  if (!framing.ok()) return AnswerTransportError(framing);

  RequestHead head;
  head.method = ToMethod(request.method());
  head.method_text = std::string_view(method_text.data(), method_text.size());
  head.target = OriginForm(std::string_view(target.data(), target.size()));
  const size_t question = head.target.find('?');
  head.path = head.target.substr(0, question);
  if (question != std::string_view::npos) head.query = head.target.substr(question + 1);
  head.headers = &headers;
  if (auto length = parser_->content_length()) head.content_length = *length;
  head.chunked = parser_->chunked();

  Admission admission = context_->router.Route(head, &route_);
  if (auto* response = std::get_if<Response>(&admission)) {
    body_unread_ = head.HasBody();
    return Write(std::move(*response));
  }
  BodyHandler handler = std::move(std::get<BodyHandler>(admission));
  const uint64_t limit = std::min(handler.body_limit, context_->options.max_body_limit);
  if (head.content_length && *head.content_length > limit) {
    body_unread_ = true;
    return Write(ErrorResponse(Status::PayloadTooLarge(
        "request body of " + std::to_string(*head.content_length) +
        " bytes is larger than the limit of " + std::to_string(limit) + " bytes")));
  }
  parser_->body_limit(limit);
  handler.body_limit = limit;
  handler_ = std::move(handler);

  // curl sends `Expect: 100-continue` for larger bodies and waits for this.
  const std::optional<std::string_view> expect = headers.Get("expect");
  if (expect && beast::iequals(*expect, "100-continue") && head.HasBody()) {
    auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                        request.version());
    Tcp().expires_after(context_->options.write_timeout);
    bhttp::async_write(stream_, *interim,
                       [self = this->shared_from_this(), interim](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->DoReadBody();
                       });
    return;
  }
  DoReadBody();
}

// The body too is fed to the parser here, so that every byte counts
// against a limit: Beast buffers a chunk-size line, its extensions and the
// trailers until they end, whatever their length, and its body limit counts
// only chunk data.
template <class Stream>
void Session<Stream>::DoReadBody() {
  parser_->eager(true);
  body_wire_bytes_ = 0;
  // The whole body must arrive within this, however it is split.
  Tcp().expires_after(context_->options.body_timeout);
  ParseBody();
}

template <class Stream>
void Session<Stream>::ParseBody() {
  // A small body usually arrived with its head: parsed at once, it skips
  // the asynchronous read's machinery.
  while (!parser_->is_done() && buffer_.size() > 0) {
    beast::error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    body_wire_bytes_ += used;
    if (ec && ec != bhttp::error::need_more) return OnReadBody(ec);
    if (ec || used == 0) break;
  }
  if (parser_->is_done()) return OnReadBody({});
  if (parser_->chunked()) {
    const uint64_t framing = body_wire_bytes_ + buffer_.size() - parser_->get().body().size();
    const Status checked = CheckChunkFraming(Pending(buffer_), framing, kChunkLimits);
    if (!checked.ok()) return AnswerTransportError(checked);
  }
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      beast::bind_front_handler(&Session<Stream>::OnReadBodySome, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnReadBodySome(beast::error_code ec, size_t bytes) {
  if (ec == net::error::eof) ec = bhttp::error::partial_message;
  if (ec) return OnReadBody(ec);
  buffer_.commit(bytes);
  ParseBody();
}

template <class Stream>
void Session<Stream>::OnReadBody(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return AnswerTransportError(
        Status::PayloadTooLarge("request body is larger than the limit of " +
                                std::to_string(handler_.body_limit) + " bytes"));
  }
  if (ec) {
    if (IsQuietDisconnect(ec)) return Close();
    return AnswerTransportError(
        Status::InvalidArgument("malformed HTTP request body: " + ec.message()));
  }
  Tcp().expires_never();  // the route may take a while (group commit)
  RunHandler();
}

// The router catches what an admission throws; this catches what the body
// handler throws on this thread. Either way the client gets a 500, and the
// connection closes (the request's state is unknown).
template <class Stream>
void Session<Stream>::RunHandler() {
  BodyHandler handler = std::move(handler_);
  try {
    handler.run(std::move(parser_->get().body()), MakeResponder());
    return;
  } catch (const std::exception& e) {
    Response response = InternalError(route_, e.what());
    response.close = true;
    Write(std::move(response));
  } catch (...) {
    Response response = InternalError(route_, "an exception of unknown type");
    response.close = true;
    Write(std::move(response));
  }
}

template <class Stream>
Responder Session<Stream>::MakeResponder() {
  // The tracked executor keeps the io_context running until the response is
  // delivered, even while the work is on another thread (ingest writer).
  using Work =
      decltype(net::prefer(std::declval<Executor>(), net::execution::outstanding_work.tracked));
  // The responder is destroyed on the thread that called it (or dropped
  // it), after the call. Its hold on the session must end before its
  // tracked work: once the work is released the io_context may return from
  // run() and the server be destroyed, and a session destroyed after that
  // touches freed timer services. A struct, because the order of a lambda's
  // captured members is unspecified; members are destroyed last to first.
  struct Hold {
    Work work;
    std::shared_ptr<Session> self;
  };
  Hold hold{net::prefer(Tcp().get_executor(), net::execution::outstanding_work.tracked),
            this->shared_from_this()};
  return [hold = std::move(hold)](Response response) mutable {
    net::post(hold.work, [self = hold.self, response = std::move(response)]() mutable {
      self->Write(std::move(response));
    });
  };
}

template <class Stream>
void Session<Stream>::AnswerTransportError(const Status& status) {
  body_unread_ = true;
  head_request_ = false;
  Response response = ErrorResponse(status);
  response.close = true;
  Write(std::move(response));
}

template <class Stream>
void Session<Stream>::Write(Response response) {
  // One response per request: a handler that threw after responding has
  // already been answered 500.
  if (answered_) return;
  answered_ = true;
  status_ = response.status;
  principal_ = std::move(response.principal);
  Framing framing;
  framing.version = parser_.has_value() ? parser_->get().version() : 11;
  framing.keep_alive = !response.close && !body_unread_ && !closing_ &&
                       !context_->draining.load() && parser_.has_value() &&
                       parser_->get().keep_alive();
  FormatResponseHead(response, framing, head_);
  if (head_request_) {
    body_.clear();
  } else {
    body_ = std::move(response.body);
  }
  // One gather write: the kernel sees a single send whatever the body's
  // size, and a large body is sent from where it was rendered, not copied.
  // Over TLS the head and body go as one buffer: Boost 1.74's SSL stream,
  // given the two, completed the write once the head was sent and the body
  // never left (tls_test.cc, LargeResponsesArriveWhole).
  body_bytes_ = body_.size();
  if constexpr (kTls) {
    head_ += body_;
    body_.clear();
  }
  const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
  Tcp().expires_after(context_->options.write_timeout);
  net::async_write(stream_, buffers,
                   [self = this->shared_from_this(), close = !framing.keep_alive](
                       beast::error_code ec, size_t) { self->OnWrite(close, ec); });
}

template <class Stream>
void Session<Stream>::OnWrite(bool close, beast::error_code ec) {
  Observe(!ec);
  if (ec) return Close();
  if (close) {
    if (!body_unread_) return Close();
    Tcp().expires_after(kLingerTime);
    // The client sees the end right after the response (a FIN, or over TLS
    // a close_notify), while what it still sends is read and dropped.
    if constexpr (kTls) return SendCloseNotify();
    beast::error_code ignored;
    Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return DoLingeringClose();
  }
  parser_.reset();
  // A large body's memory goes back now, not when the next response comes.
  body_ = std::string();
  DoReadIdle();
}

// TLS's half-close: sends close_notify without waiting for the client's.
// A TCP half-close would cut the session short of its close_notify, and
// Asio's async_shutdown waits for the client's close_notify with an
// SSL_shutdown that fails on any data the client still sends (a reset, which
// may destroy the response before the client reads it). So the alert is
// made into a memory BIO standing in for the session's own and written to
// the socket directly; SSL_read, in the lingering reads, still takes (and
// drops) what the client sends after it.
template <class Stream>
void Session<Stream>::SendCloseNotify() {
  if constexpr (kTls) {
    shutting_down_ = true;  // Close() must not send another
    SSL* ssl = stream_.native_handle();
    BIO* session_bio = SSL_get_wbio(ssl);
    BIO* alert = BIO_new(BIO_s_mem());
    if (alert == nullptr) return CloseSocket();
    BIO_up_ref(session_bio);    // SSL_set0_wbio releases the reference it held
    SSL_set0_wbio(ssl, alert);  // takes `alert`
    SSL_shutdown(ssl);
    char* data = nullptr;
    const long size = BIO_get_mem_data(alert, &data);
    head_.assign(data, size > 0 ? static_cast<size_t>(size) : 0);  // the response is sent
    SSL_set0_wbio(ssl, session_bio);  // frees `alert`, takes our reference
    net::async_write(Tcp(), net::buffer(head_),
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->CloseSocket();
                       self->DoLingeringClose();
                     });
  }
}

// Reads and drops what the client still sends until it closes or the linger
// time set by OnWrite runs out.
template <class Stream>
void Session<Stream>::DoLingeringClose() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = this->shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->Close();
                            self->DoLingeringClose();
                          });
}

template <class Stream>
void Session<Stream>::Observe(bool sent) {
  if (!context_->observer) return;
  RequestRecord record;
  if (parser_) {
    const beast::string_view method = parser_->get().method_string();
    record.method = std::string_view(method.data(), method.size());
  }
  record.route = route_;
  record.status = status_;
  record.body_bytes = body_bytes_;
  record.duration = std::chrono::steady_clock::now() - started_;
  record.principal = principal_;
  record.peer = peer_;
  record.tls = kTls;
  record.sent = sent;
  context_->observer(record);
}

// Over TLS, a connection that completed its handshake ends with a
// close_notify (bounded by a short timer: the peer need not answer it).
template <class Stream>
void Session<Stream>::Close() {
  if constexpr (kTls) {
    if (handshake_done_ && !shutting_down_ && !closed_) {
      shutting_down_ = true;
      Tcp().expires_after(kTlsShutdownTime);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->CloseSocket(); });
      return;
    }
  }
  CloseSocket();
}

template <class Stream>
void Session<Stream>::CloseSocket() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  Tcp().close();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace dc::http
