#include "storage/postgres/pg_pool.h"

namespace dc::postgres {

PgLease::~PgLease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Return(std::move(connection_));
}

PgPool::PgPool(std::string conninfo, size_t size, Prepare prepare)
    : conninfo_(std::move(conninfo)), size_(size), prepare_(std::move(prepare)) {}

Result<PgLease> PgPool::Borrow() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return PgLease(this, std::move(connection));
    }
    ++open_;  // the slot is ours while we connect, without the lock
  }
  Result<PgConnection> opened = PgConnection::Open(conninfo_);
  if (opened && prepare_) {
    if (Status prepared = prepare_(*opened); !prepared.ok()) opened = prepared;
  }
  if (!opened) {
    std::lock_guard lock(mutex_);
    --open_;
    returned_.notify_one();
    return opened.error();
  }
  return PgLease(this, std::make_unique<PgConnection>(std::move(*opened)));
}

void PgPool::Adopt(PgConnection connection) {
  std::lock_guard lock(mutex_);
  if (open_ >= size_ || connection.broken()) return;
  ++open_;
  idle_.push_back(std::make_unique<PgConnection>(std::move(connection)));
  returned_.notify_one();
}

void PgPool::Return(std::unique_ptr<PgConnection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace dc::postgres
