#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace dc::testing {

// ThrowingStore is a Store that forwards every call to a real one, and
// throws from the calls the server's catch points guard when a test arms
// them: the faults a std::bad_alloc or a library's exception would cause
// inside the store, injected where they would surface.
//
// Thread-safe: the ingest writer, the read pool and the catalog follower
// call it from their own threads while the test arms it. Borrows the real
// store, which must outlive it. Reports whatever the real store reports;
// only armed calls throw.
class ThrowingStore final : public Store {
 public:
  // Where a fault is injected.
  enum class Point {
    kWriteBatches,  // WriteBatches throws before the real store sees the call
    kScanReadings,  // ScanReadings throws before the real store sees the call
    kScanVisit,     // ScanReadings throws from inside the real store's scan,
                    // at the first reading it visits (while it holds a reader)
    kStatistics,    // Statistics throws before the real store sees the call
    kCheckReady,    // CheckReady throws (a /readyz probe)
    kSizeOnDisk,    // SizeOnDisk throws (a /metrics scrape's probe)
  };
  // What is thrown.
  enum class Fault { kBadAlloc, kRuntimeError, kInt };

  explicit ThrowingStore(Store& real) : real_(real) {}

  // After `skip` more calls reaching `point` have gone through, the next
  // `times` calls throw `fault`.
  void Arm(Point point, Fault fault, int times = 1, int skip = 0) {
    std::lock_guard lock(mutex_);
    armed_[Index(point)] = Armed{fault, times, skip};
  }
  // How many times `point` has thrown so far.
  int thrown(Point point) const {
    std::lock_guard lock(mutex_);
    return thrown_[Index(point)];
  }

  // The next WriteBatches call waits, before doing anything, until
  // ReleaseWrites(), and then goes through unarmed: so a test can queue several uploads behind a
  // commit in progress and have the writer take them as one group.
  void HoldNextWrite() {
    std::lock_guard lock(mutex_);
    hold_next_write_ = true;
    write_held_ = false;
  }
  // Waits until a WriteBatches call is held by HoldNextWrite().
  void WaitUntilWriteHeld() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return write_held_; });
  }
  void ReleaseWrites() {
    {
      std::lock_guard lock(mutex_);
      hold_next_write_ = false;
      write_held_ = false;
      released_ += 1;
    }
    changed_.notify_all();
  }

  // ---- Store: forwarded, or thrown when armed.
  Status CreateOrg(const Organisation& org) override { return real_.CreateOrg(org); }
  Result<Organisation> FindOrg(std::string_view org_id) override { return real_.FindOrg(org_id); }
  Status SetOrgKey(std::string_view org_id, std::string_view key_salt,
                   std::string_view key_hash) override {
    return real_.SetOrgKey(org_id, key_salt, key_hash);
  }
  Result<Input> CreateInput(const Input& input) override { return real_.CreateInput(input); }
  Result<Asset> CreateAsset(const Asset& asset) override { return real_.CreateAsset(asset); }
  Result<Asset> AddInputToAsset(std::string_view org_id, int64_t asset_id,
                                std::string_view input_id) override {
    return real_.AddInputToAsset(org_id, asset_id, input_id);
  }
  Result<int64_t> CatalogVersion() override { return real_.CatalogVersion(); }
  Result<CatalogData> LoadCatalog() override { return real_.LoadCatalog(); }

  Result<std::vector<std::vector<int64_t>>> WriteBatches(
      std::span<const IngestBatch* const> batches) override {
    // The held call was made before the test armed a fault for the calls
    // queued behind it.
    if (!WaitIfHeld()) MaybeThrow(Point::kWriteBatches);
    return real_.WriteBatches(batches);
  }
  Status ScanReadings(const RawScan& scan,
                      const std::function<void(const Reading&)>& visit) override {
    MaybeThrow(Point::kScanReadings);
    return real_.ScanReadings(scan, [this, &visit](const Reading& reading) {
      MaybeThrow(Point::kScanVisit);
      visit(reading);
    });
  }
  Result<std::vector<StatsBucket>> Statistics(const StatsScan& scan) override {
    MaybeThrow(Point::kStatistics);
    return real_.Statistics(scan);
  }
  Result<std::optional<dc::StoredReading>> FindReading(int64_t input_pk, Timestamp ts) override {
    return real_.FindReading(input_pk, ts);
  }
  Result<int64_t> CountReadings(int64_t input_pk) override { return real_.CountReadings(input_pk); }
  Status CheckReady() override {
    MaybeThrow(Point::kCheckReady);
    return real_.CheckReady();
  }
  uint64_t SizeOnDisk() override {
    MaybeThrow(Point::kSizeOnDisk);
    return real_.SizeOnDisk();
  }
  Result<BackupSummary> BackupTo(const std::string& path, bool overwrite) override {
    return real_.BackupTo(path, overwrite);
  }

 private:
  static constexpr int kPoints = 6;
  struct Armed {
    Fault fault = Fault::kBadAlloc;
    int times = 0;
    int skip = 0;
  };

  static int Index(Point point) { return static_cast<int>(point); }

  void MaybeThrow(Point point) {
    Fault fault;
    {
      std::lock_guard lock(mutex_);
      Armed& armed = armed_[Index(point)];
      if (armed.times <= 0) return;
      if (armed.skip > 0) {
        armed.skip -= 1;
        return;
      }
      armed.times -= 1;
      thrown_[Index(point)] += 1;
      fault = armed.fault;
    }
    switch (fault) {
      case Fault::kBadAlloc:
        throw std::bad_alloc();
      case Fault::kRuntimeError:
        throw std::runtime_error("injected fault");
      case Fault::kInt:
        throw 42;
    }
  }

  // True when this call was held.
  bool WaitIfHeld() {
    std::unique_lock lock(mutex_);
    if (!hold_next_write_) return false;
    hold_next_write_ = false;
    write_held_ = true;
    const int released = released_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_ != released; });
    return true;
  }

  Store& real_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Armed armed_[kPoints];          // guarded by mutex_
  int thrown_[kPoints] = {};      // guarded by mutex_
  bool hold_next_write_ = false;  // guarded by mutex_
  bool write_held_ = false;       // guarded by mutex_
  int released_ = 0;              // guarded by mutex_
};

// For gtest's parameter names: "BadAlloc", "RuntimeError", "Int".
inline const char* FaultName(ThrowingStore::Fault fault) {
  switch (fault) {
    case ThrowingStore::Fault::kBadAlloc:
      return "BadAlloc";
    case ThrowingStore::Fault::kRuntimeError:
      return "RuntimeError";
    case ThrowingStore::Fault::kInt:
      return "Int";
  }
  return "Unknown";
}
inline void PrintTo(ThrowingStore::Fault fault, std::ostream* out) { *out << FaultName(fault); }

}  // namespace dc::testing
