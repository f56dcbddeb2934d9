#pragma once

// A store on a fresh file under /tmp for the store benchmarks, and the
// readings they write.
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace dc::bench {

inline constexpr int64_t kSecond = 1'000'000;
inline constexpr int kInputs = 100;

// A store on a fresh file under /tmp with kInputs inputs, removed at the end.
// `--sync normal` and no timed merges: the figures are CPU, and a merge runs
// only when a benchmark asks for one.
class ScratchStore {
 public:
  ScratchStore() {
    char pattern[] = "/tmp/dc-store-bench-XXXXXX";
    dir_ = mkdtemp(pattern);
    auto opened = sqlite::SqliteStore::Open(
        dir_ + "/bench.db", StoreOptions{.sync = SyncMode::kNormal},
        sqlite::SqliteOptions{.merge_idle_ms = 600'000, .merge_max_delay_ms = 600'000});
    if (!opened) std::abort();
    store_ = std::move(*opened);
    if (!store_->CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "", .key_hash = ""})
             .ok()) {
      std::abort();
    }
    for (int i = 0; i < kInputs; ++i) {
      auto input = store_->CreateInput(Input{.pk = 0,
                                             .id = "sen" + std::to_string(1000 + i),
                                             .org_id = "o",
                                             .name = "n",
                                             .measure_unit = "",
                                             .data_source = DataSource::kApi});
      if (!input) std::abort();
      pks_.push_back(input->pk);
    }
  }
  ~ScratchStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  sqlite::SqliteStore& store() { return *store_; }
  int64_t pk(int i) const { return pks_[i]; }

 private:
  std::string dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::vector<int64_t> pks_;
};

inline Reading At(int64_t second, double value) {
  return Reading{.timestamp = Timestamp{second * kSecond},
                 .value = value,
                 .latitude = std::nullopt,
                 .longitude = std::nullopt,
                 .x_axis_value = "",
                 .metadata = ""};
}

}  // namespace dc::bench
