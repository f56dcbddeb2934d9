#include "storage/sqlite/reader_pool.h"

#include <utility>

namespace dc::sqlite {

Result<Statement*> Reader::Prepared(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    Result<Statement> statement = connection_.Prepare(sql, /*persistent=*/true);
    if (!statement) return statement.error();
    it = statements_.emplace(std::string(sql), std::move(*statement)).first;
  }
  return &it->second;
}

Result<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::string& path,
                                                     const StoreOptions& options,
                                                     size_t max_readers) {
  std::unique_ptr<ReaderPool> pool(
      new ReaderPool(path, options, max_readers < 1 ? 1 : max_readers));
  Result<std::unique_ptr<Reader>> first = pool->OpenReader();
  if (!first) return first.error();
  std::lock_guard<std::mutex> lock(pool->mu_);
  pool->idle_.push_back(std::move(*first));
  pool->opened_ = 1;
  return pool;
}

Result<std::unique_ptr<Reader>> ReaderPool::OpenReader() const {
  Result<Connection> connection = Connection::Open(path_, options_, ConnectionRole::kReader);
  if (!connection) return connection.error();
  return std::make_unique<Reader>(std::move(*connection));
}

Result<ReaderPool::Lease> ReaderPool::Borrow() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    returned_.wait(lock, [&] { return !idle_.empty() || opened_ < max_readers_; });
    if (!idle_.empty()) {
      std::unique_ptr<Reader> reader = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(reader));
    }
    ++opened_;  // reserves the slot while the connection opens
  }
  // Opened without the lock: opening reads the file header and may wait
  // for another process, which must not hold up readers giving back.
  Result<std::unique_ptr<Reader>> reader = OpenReader();
  if (!reader) {
    std::lock_guard<std::mutex> lock(mu_);
    --opened_;
    returned_.notify_one();  // the slot is free again for a waiter
    return reader.error();
  }
  return Lease(this, std::move(*reader));
}

void ReaderPool::GiveBack(std::unique_ptr<Reader> reader) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(reader));
  }
  returned_.notify_one();
}

size_t ReaderPool::OpenedForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_;
}

ReaderPool::Lease::~Lease() {
  if (reader_ != nullptr) pool_->GiveBack(std::move(reader_));
}

}  // namespace dc::sqlite
