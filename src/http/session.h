#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

#include "http/endpoint.h"
#include "http/field_arena.h"
#include "http/request_body.h"
#include "http/server_context.h"

namespace dc::http {

// Session is one client connection. It reads a request in two steps — the
// head, which is routed and admitted, then the body up to the route's limit
// — and writes one response before reading the next request (so at most one
// response is ever queued per connection).
//
// Lives as long as its pending asynchronous operation: each step binds
// shared_from_this(). All its work runs on the one I/O thread (io_context) it was accepted on;
// Drain() and Reclaim() may be called from any thread.
//
// Start() takes a connection place (ServerContext::Admit): a free one, or
// that of the session idle longest, which is reclaimed; without one the
// client gets a 503 and the connection is closed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // Bound to its io_context's own executor type, not the type-erased
  // any_io_executor: every asynchronous step copies the executor, and the
  // erased one makes each copy an indirect call.
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

  Session(Socket&& socket, std::shared_ptr<ServerContext> context);
  ~Session();

  // Call once, on the acceptor's thread (admissions are taken in order).
  void Start();
  // Stops the session after its current request; closes it now if idle.
  // For shutdown.
  void Drain();
  // The same, when a newcomer has taken this session's place.
  void Reclaim();

 private:
  using Parser = boost::beast::http::request_parser<RequestBody, FieldAllocator<char>>;

  void Refuse();
  void StopAfterRequest();
  void DoReadIdle();
  void OnReadIdle(boost::beast::error_code ec, size_t bytes);
  void DoReadHeader();
  void ParseHeader();
  void OnReadHeaderSome(boost::beast::error_code ec, size_t bytes);
  void OnReadHeader(boost::beast::error_code ec);
  void Admit();
  void DoReadBody(BodyHandler handler);
  void OnReadBody(BodyHandler handler, boost::beast::error_code ec);
  void Write(Response response);
  void OnWrite(bool close, boost::beast::error_code ec);
  void AnswerTransportError(const Status& status);
  // True when the client has sent bytes not yet read from the socket.
  bool HasUnreadBytes();
  void Close();
  void DoLingeringClose();
  Responder MakeResponder();

  boost::beast::basic_stream<boost::asio::ip::tcp, Executor, boost::beast::unlimited_rate_policy>
      stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  FieldArena field_arena_;  // for parser_'s fields, so declared before it
  std::optional<Parser> parser_;
  std::string head_;  // of the response being written; its capacity is reused
  std::string body_;  // of the response being written
  ServerContext::Slot slot_;
  bool refused_linger_ = false;  // holds one of the refused connections' linger places
  bool closing_ = false;         // close after the current request (drained or reclaimed)
  bool idle_ = false;            // waiting for a request's first byte
  bool head_request_ = false;    // the request being answered is HEAD
  bool body_unread_ = false;     // the request's body was not consumed
  bool closed_ = false;
  uint64_t header_bytes_ = 0;  // of the current head, consumed by the parser
};

}  // namespace dc::http
