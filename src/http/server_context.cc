#include "http/server_context.h"

#include <vector>

#include "http/connection.h"

namespace dc::http {

bool ServerContext::Admit(const std::shared_ptr<Connection>& session, Slot& slot,
                          std::shared_ptr<Connection>* reclaimed) {
  std::lock_guard lock(mutex);
  if (counted >= limit) {
    if (idle_head == nullptr) return false;
    // The place passes from the session idle longest to the newcomer; the
    // count stays. The old session closes on its own thread.
    Slot& oldest = *idle_head;
    Unlink(oldest);
    oldest.counted = false;
    *reclaimed = oldest.session.lock();
  } else {
    ++counted;
  }
  slot.id = next_id++;
  slot.session = session;
  slot.counted = true;
  sessions.emplace(slot.id, session);
  // It has read nothing yet: idle from the start, so a flood of new
  // connections can reclaim it before its thread has even run it.
  Link(slot);
  return true;
}

void ServerContext::Unregister(Slot& slot) {
  std::lock_guard lock(mutex);
  if (slot.id == 0) return;
  if (slot.idle) Unlink(slot);
  if (slot.counted) --counted;
  slot.counted = false;
  sessions.erase(slot.id);
  slot.id = 0;
}

bool ServerContext::EnterIdle(Slot& slot) {
  std::lock_guard lock(mutex);
  if (slot.counted && !slot.idle) Link(slot);
  return slot.counted;
}

bool ServerContext::LeaveIdle(Slot& slot) {
  std::lock_guard lock(mutex);
  if (slot.idle) Unlink(slot);
  return slot.counted;
}

void ServerContext::Link(Slot& slot) {
  slot.idle = true;
  slot.prev = idle_tail;
  slot.next = nullptr;
  (idle_tail ? idle_tail->next : idle_head) = &slot;
  idle_tail = &slot;
}

void ServerContext::Unlink(Slot& slot) {
  (slot.prev ? slot.prev->next : idle_head) = slot.next;
  (slot.next ? slot.next->prev : idle_tail) = slot.prev;
  slot.prev = slot.next = nullptr;
  slot.idle = false;
}

std::shared_ptr<Connection> ServerContext::ReclaimOldestIdle() {
  std::lock_guard lock(mutex);
  return ReclaimHead();
}

std::shared_ptr<Connection> ServerContext::ReclaimHead() {
  if (idle_head == nullptr) return nullptr;
  Slot& oldest = *idle_head;
  Unlink(oldest);
  oldest.counted = false;
  --counted;
  return oldest.session.lock();
}

size_t ServerContext::OpenConnections() {
  std::lock_guard lock(mutex);
  return counted;
}

size_t ServerContext::ConnectionLimit() {
  std::lock_guard lock(mutex);
  return limit;
}

std::vector<std::shared_ptr<Connection>> ServerContext::SetConnectionLimit(size_t new_limit) {
  std::vector<std::shared_ptr<Connection>> reclaimed;
  std::lock_guard lock(mutex);
  limit = new_limit;
  while (counted > limit && idle_head != nullptr) {
    if (auto session = ReclaimHead()) reclaimed.push_back(std::move(session));
  }
  return reclaimed;
}

void ServerContext::DrainAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex);
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  // Drain() outside the lock: it may end a session, whose destructor takes it.
  for (auto& session : live) session->Drain();
}

bool ServerContext::BeginRefusedLinger() {
  if (refused_lingering.fetch_add(1) < options.max_refused_lingering) return true;
  refused_lingering.fetch_sub(1);
  return false;
}

void ServerContext::EndRefusedLinger() { refused_lingering.fetch_sub(1); }

}  // namespace dc::http
