#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "common/result.h"
#include "http/router.h"
#include "http/server_options.h"

namespace dc::http {

// HttpServer accepts connections and runs sessions on a pool of I/O threads
// (one per core by default). It knows routes and responses, nothing of what
// they mean.
//
// Lifecycle: Listen() binds; Run() blocks, serving, until Stop() is called
// or SIGINT/SIGTERM arrives; then it stops accepting, lets in-flight requests
// finish (their responses are written), closes idle connections and returns.
// Stop() is thread-safe; the rest is for one controlling thread.
class HttpServer {
 public:
  HttpServer(Router router, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns the bound port, or Unavailable when the
  // address cannot be bound, InvalidArgument when it cannot be parsed.
  Result<uint16_t> Listen();
  // Serves until stopped. `on_stopping` runs once when shutdown begins.
  void Run(std::function<void()> on_stopping = {});
  void Stop();
  // Connections holding a place now (for metrics). Thread-safe.
  size_t OpenConnections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dc::http
