#include "http/server_context.h"

#include <vector>

#include "http/session.h"

namespace dc::http {

uint64_t ServerContext::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex);
  const uint64_t id = next_id++;
  sessions.emplace(id, session);
  return id;
}

void ServerContext::Unregister(uint64_t id) {
  std::lock_guard lock(mutex);
  sessions.erase(id);
}

size_t ServerContext::Count() {
  std::lock_guard lock(mutex);
  return sessions.size();
}

void ServerContext::DrainAll() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex);
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  // Drain() outside the lock: it may end a session, whose destructor takes it.
  for (auto& session : live) session->Drain();
}

}  // namespace dc::http
