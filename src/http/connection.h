#pragma once

namespace dc::http {

// What the listener and ServerContext need of a session, whatever stream it
// speaks (plain TCP or TLS): a way to end it. Both calls are thread-safe.
class Connection {
 public:
  virtual ~Connection() = default;
  // Stops the session after its current request; closes it now if idle.
  // For shutdown.
  virtual void Drain() = 0;
  // The same, when a newcomer has taken this session's place.
  virtual void Reclaim() = 0;
};

}  // namespace dc::http
