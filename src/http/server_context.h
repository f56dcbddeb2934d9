#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/request_record.h"
#include "http/router.h"
#include "http/server_options.h"

namespace dc::http {

class Connection;

// State shared by the listener and every session of one server.
// Thread-safe: `router`, `options` and `observer` are immutable; the rest is atomic or
// guarded by `mutex`.
//
// Connection places: at most ConnectionLimit() sessions hold one
// (`options.max_connections`, or fewer when the open-file limit leaves
// less room: see connection_cap.h).
// A session waiting for a request's first byte (a new connection, or a
// keep-alive one between requests) is *idle* and sits in a list ordered by
// when it fell idle. A new connection at the limit takes the place of the
// session idle longest, which is then closed (Session::Reclaim); only when
// no session is idle is the newcomer refused. O(1) per accept and per idle
// period.
struct ServerContext {
  ServerContext(Router r, ServerOptions o, RequestObserver obs)
      : router(std::move(r)), options(std::move(o)), observer(std::move(obs)) {}

  // One session's entry, a member of the Session. Every field is guarded by
  // `mutex`.
  struct Slot {
    uint64_t id = 0;  // 0: not registered (refused)
    std::weak_ptr<Connection> session;
    bool counted = false;  // holds one of the max_connections places
    bool idle = false;     // linked in the idle list
    Slot* prev = nullptr;  // idle list, towards the longest idle
    Slot* next = nullptr;
  };

  const Router router;
  const ServerOptions options;
  const RequestObserver observer;  // may be empty
  std::atomic<bool> draining{false};

  // Gives `session` (whose entry is `slot`) a place: a free one, or the
  // place of the session idle longest, which is returned in `*reclaimed`
  // for the caller to close (it may be null when that session is already
  // being destroyed). False when every place is held by a session that is
  // not idle: the newcomer is refused and stays unregistered.
  bool Admit(const std::shared_ptr<Connection>& session, Slot& slot,
             std::shared_ptr<Connection>* reclaimed);
  // Forgets `slot` (from the session's destructor); frees its place.
  void Unregister(Slot& slot);
  // The session waits for a request's first byte (a new session is idle
  // from Admit on). False when its place was taken: it must close, or
  // answer only what has already arrived.
  bool EnterIdle(Slot& slot);
  // The wait has ended. False when the session's place was taken by a
  // newcomer meanwhile: it must close after answering what has arrived.
  bool LeaveIdle(Slot& slot);
  // Takes the place of the session idle longest, without a newcomer: for
  // when accept() finds no descriptor left. Returns it for the caller to
  // close (null when none is idle, or when it is already being destroyed).
  std::shared_ptr<Connection> ReclaimOldestIdle();
  // Connections holding a place now.
  size_t OpenConnections();
  // The places there are; options.max_connections until SetConnectionLimit().
  size_t ConnectionLimit();
  // Lowered below the places held, it takes the places of idle sessions,
  // the longest idle first, until the rest fit (or none is idle), and
  // returns them for the caller to close; busy ones keep theirs.
  std::vector<std::shared_ptr<Connection>> SetConnectionLimit(size_t limit);
  // Calls Drain() on every live session.
  void DrainAll();

  // Refused connections hold no place; a few at a time may linger after
  // their 503 (so the client reads it rather than a reset). True when this
  // one may; EndRefusedLinger() when it is done.
  bool BeginRefusedLinger();
  void EndRefusedLinger();

 private:
  void Link(Slot& slot);    // at the idle list's tail; mutex held
  void Unlink(Slot& slot);  // from the idle list; mutex held
  // Frees the place of the session at the idle list's head, if any, and
  // returns that session (null when none, or when it is being destroyed).
  // Mutex held.
  std::shared_ptr<Connection> ReclaimHead();

  std::mutex mutex;
  uint64_t next_id = 1;                    // guarded by mutex
  size_t counted = 0;                      // guarded by mutex
  size_t limit = options.max_connections;  // guarded by mutex
  Slot* idle_head = nullptr;               // idle longest; guarded by mutex
  Slot* idle_tail = nullptr;               // guarded by mutex
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> sessions;  // guarded by mutex
  std::atomic<size_t> refused_lingering{0};
};

}  // namespace dc::http
