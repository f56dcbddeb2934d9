#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "common/result.h"
#include "http/request_record.h"
#include "http/router.h"
#include "http/server_options.h"

namespace dc::http {

// HttpServer accepts connections and runs sessions on a pool of I/O threads
// (one per core by default). It knows routes and responses, nothing of what
// they mean.
//
// Lifecycle: Listen() binds; Run() blocks, serving, until Stop() is called
// or SIGINT/SIGTERM arrives (SIGHUP reloads the TLS certificate and key;
// a reload that fails is logged and the old ones stay); then it stops accepting, lets in-flight
// requests finish (their responses are written), closes idle connections and returns. Stop() is
// thread-safe; the rest is for one controlling thread.
class HttpServer {
 public:
  // `observer` (may be empty) sees every finished request.
  HttpServer(Router router, ServerOptions options, RequestObserver observer = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the certificate and key of options.tls_cert/tls_key (nothing to
  // do without them). InvalidArgument naming the file when one is missing,
  // unreadable or not PEM, or when the key does not match the certificate.
  Status LoadTls();
  // "https" with TLS, else "http".
  const char* scheme() const;
  // Binds and listens (loading TLS first if LoadTls() was not called). Returns the bound port, or
  // Unavailable when the address cannot be bound, InvalidArgument when it cannot be parsed.
  Result<uint16_t> Listen();
  // Serves until stopped. `on_stopping` runs once when shutdown begins.
  void Run(std::function<void()> on_stopping = {});
  void Stop();
  // Connections holding a place now (for metrics). Thread-safe.
  size_t OpenConnections() const;
  // The places there are: --max-connections, or fewer when the open-file
  // limit leaves less room (known once Listen() succeeded). Thread-safe.
  size_t ConnectionLimit() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dc::http
