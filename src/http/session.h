#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/connection.h"
#include "http/endpoint.h"
#include "http/field_arena.h"
#include "http/request_body.h"
#include "http/server_context.h"

namespace dc::http {

// Bound to an io_context's own executor type, not the type-erased
// any_io_executor: every asynchronous step copies the executor, and the
// erased one makes each copy an indirect call.
using Executor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using PlainStream =
    boost::beast::basic_stream<boost::asio::ip::tcp, Executor, boost::beast::unlimited_rate_policy>;
using TlsStream = boost::beast::ssl_stream<PlainStream>;

// Session is one client connection, over plain TCP or TLS (`Stream`): the
// same code reads, routes and answers both; only the start (the TLS
// handshake, under the header timeout) and the end (close_notify) differ.
// It reads a request in two steps — the head, which is routed and admitted,
// then the body up to the route's limit — and writes one response before
// reading the next request (so at most one response is ever queued per
// connection).
//
// Lives as long as its pending asynchronous operation: each step binds
// shared_from_this(). All its work runs on the one I/O thread (io_context)
// it was accepted on; Drain() and Reclaim() may be called from any thread.
//
// Start() takes a connection place (ServerContext::Admit): a free one, or
// that of the session idle longest, which is reclaimed; without one the
// client gets a 503 and the connection is closed.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `tls`, for a TLS session only, is the certificate and key in force when
  // the connection was accepted; the session keeps it alive (a reload
  // affects new connections only).
  Session(Socket&& socket, std::shared_ptr<ServerContext> context,
          std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~Session() override;

  // Call once, on the acceptor's thread (admissions are taken in order).
  void Start();
  void Drain() override;
  void Reclaim() override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using Parser = boost::beast::http::request_parser<RequestBody, FieldAllocator<char>>;

  static Stream MakeStream(Socket&& socket, boost::asio::ssl::context* tls);
  PlainStream& Tcp() { return boost::beast::get_lowest_layer(stream_); }
  void DoHandshake();
  void Refuse();
  void StopAfterRequest();
  void DoReadIdle();
  void OnReadIdle(boost::beast::error_code ec, size_t bytes);
  void DoReadHeader();
  void ParseHeader();
  void OnReadHeaderSome(boost::beast::error_code ec, size_t bytes);
  void OnReadHeader(boost::beast::error_code ec);
  void Admit();
  void DoReadBody();
  void ParseBody();
  void OnReadBodySome(boost::beast::error_code ec, size_t bytes);
  void OnReadBody(boost::beast::error_code ec);
  void RunHandler();
  void Write(Response response);
  void OnWrite(bool close, boost::beast::error_code ec);
  void Observe(bool sent);
  void AnswerTransportError(const Status& status);
  // True when the client has sent bytes not yet read from the socket.
  bool HasUnreadBytes();
  void Close();
  void CloseSocket();
  void SendCloseNotify();
  void DoLingeringClose();
  Responder MakeResponder();

  std::shared_ptr<boost::asio::ssl::context> tls_;  // declared before stream_, which uses it
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  FieldArena field_arena_;  // for parser_'s fields, so declared before it
  std::optional<Parser> parser_;
  BodyHandler handler_;  // of the request whose body is being read
  std::string head_;     // of the response being written; its capacity is reused
  std::string body_;     // of the response being written
  ServerContext::Slot slot_;
  bool refused_linger_ = false;  // holds one of the refused connections' linger places
  bool closing_ = false;         // close after the current request (drained or reclaimed)
  bool idle_ = false;            // waiting for a request's first byte, or for the handshake
  bool head_request_ = false;    // the request being answered is HEAD
  bool body_unread_ = false;     // the request's body was not consumed
  bool answered_ = false;        // a response to the current request is written or being written
  bool closed_ = false;
  bool refused_ = false;          // holds no place: answered 503, then closed
  bool handshake_done_ = !kTls;   // TLS: the handshake has completed
  bool shutting_down_ = false;    // TLS: close_notify is being sent
  uint64_t header_bytes_ = 0;     // of the current head, consumed by the parser
  uint64_t body_wire_bytes_ = 0;  // of the current body, consumed by the parser (framing included)
  // For the access log: of the current request.
  std::chrono::steady_clock::time_point started_;
  std::string_view route_;  // the matched pattern (owned by the router)
  std::string principal_;
  int status_ = 0;
  uint64_t body_bytes_ = 0;  // of the response written
  std::string peer_;         // "IP:PORT", set when the session starts, if there is an observer
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace dc::http
