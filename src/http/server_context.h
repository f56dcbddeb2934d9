#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/router.h"
#include "http/server_options.h"

namespace dc::http {

class Session;

// State shared by the listener and every session of one server.
// Thread-safe: `router` and `options` are immutable; the rest is atomic or
// guarded by `mutex`.
struct ServerContext {
  ServerContext(Router r, ServerOptions o) : router(std::move(r)), options(std::move(o)) {}

  const Router router;
  const ServerOptions options;
  std::atomic<bool> draining{false};

  uint64_t Register(const std::shared_ptr<Session>& session);
  void Unregister(uint64_t id);
  size_t Count();
  // Calls Drain() on every live session.
  void DrainAll();

 private:
  std::mutex mutex;
  uint64_t next_id = 1;                                          // guarded by mutex
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // guarded by mutex
};

}  // namespace dc::http
