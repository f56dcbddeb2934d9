#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "catalog/catalog_snapshot.h"
#include "common/result.h"
#include "storage/store.h"

namespace dc {

// CatalogCache keeps the current CatalogSnapshot of a store and follows the
// changes the command-line tools make to it: a background thread compares
// the store's catalog version every `poll` interval and reloads on change,
// so a running server sees a new input or a rotated key within one interval.
//
// Thread-safe. Borrows the store, which must outlive the cache. If a reload
// fails (storage unavailable) the previous snapshot stays in use and the
// poll retries.
class CatalogCache {
 public:
  // Loads the catalog once; fails when the store cannot.
  static Result<std::unique_ptr<CatalogCache>> Open(Store& store, std::chrono::milliseconds poll);
  ~CatalogCache();
  CatalogCache(const CatalogCache&) = delete;
  CatalogCache& operator=(const CatalogCache&) = delete;

  std::shared_ptr<const CatalogSnapshot> Current() const;

 private:
  CatalogCache(Store& store, std::chrono::milliseconds poll,
               std::shared_ptr<const CatalogSnapshot> first);
  void PollLoop();

  Store& store_;
  const std::chrono::milliseconds poll_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CatalogSnapshot> current_;  // guarded by mutex_
  bool stopping_ = false;                           // guarded by mutex_
  std::condition_variable wake_;
  std::thread poller_;
};

}  // namespace dc
