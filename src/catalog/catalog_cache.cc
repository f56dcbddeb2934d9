#include "catalog/catalog_cache.h"

namespace dc {

Result<std::unique_ptr<CatalogCache>> CatalogCache::Open(Store& store,
                                                         std::chrono::milliseconds poll) {
  auto data = store.LoadCatalog();
  if (!data) return data.error();
  auto first = std::make_shared<const CatalogSnapshot>(std::move(*data));
  return std::unique_ptr<CatalogCache>(new CatalogCache(store, poll, std::move(first)));
}

CatalogCache::CatalogCache(Store& store, std::chrono::milliseconds poll,
                           std::shared_ptr<const CatalogSnapshot> first)
    : store_(store), poll_(poll), current_(std::move(first)) {
  poller_ = std::thread([this] { PollLoop(); });
}

CatalogCache::~CatalogCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  poller_.join();
}

std::shared_ptr<const CatalogSnapshot> CatalogCache::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void CatalogCache::PollLoop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, poll_, [this] { return stopping_; })) {
    const int64_t known = current_->version();
    lock.unlock();
    std::shared_ptr<const CatalogSnapshot> fresh;
    auto version = store_.CatalogVersion();
    if (version && *version != known) {
      auto data = store_.LoadCatalog();
      if (data) fresh = std::make_shared<const CatalogSnapshot>(std::move(*data));
    }
    lock.lock();
    if (fresh) current_ = std::move(fresh);
  }
}

}  // namespace dc
