// SqliteStore::WriteBatches, the writer thread's whole job: one transaction
// of new readings, in batches like a bulk upload's (5,000 readings of one
// input) and like single-reading uploads grouped by one commit (many inputs,
// one reading each). `--sync normal`, so the figure is CPU, not fsync.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace dc::bench {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int kInputs = 100;

// A store on a fresh file under /tmp with kInputs inputs, removed at the end.
class ScratchStore {
 public:
  ScratchStore() {
    char pattern[] = "/tmp/dc-store-bench-XXXXXX";
    dir_ = mkdtemp(pattern);
    auto opened = SqliteStore::Open(dir_ + "/bench.db", StoreOptions{.sync = SyncMode::kNormal});
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
  SqliteStore& store() { return *store_; }
  int64_t pk(int i) const { return pks_[i]; }

 private:
  std::string dir_;
  std::unique_ptr<SqliteStore> store_;
  std::vector<int64_t> pks_;
};

Reading At(int64_t second, double value) {
  return Reading{.timestamp = Timestamp{second * kSecond},
                 .value = value,
                 .latitude = std::nullopt,
                 .longitude = std::nullopt,
                 .x_axis_value = "",
                 .metadata = ""};
}

// One bulk upload per commit: range(0) new readings of one input, 1 Hz.
void BM_WriteBatches_Bulk(benchmark::State& state) {
  ScratchStore scratch;
  const int64_t size = state.range(0);
  int64_t second = 1'735'689'600;  // 2025-01-01T00:00:00Z
  IngestBatch batch{.input_pk = scratch.pk(0), .readings = {}};
  batch.readings.reserve(size);
  for (auto _ : state) {
    state.PauseTiming();
    batch.readings.clear();
    for (int64_t i = 0; i < size; ++i) batch.readings.push_back(At(second++, 20.0 + i % 97 * 0.1));
    const IngestBatch* batches[] = {&batch};
    state.ResumeTiming();
    auto ids = scratch.store().WriteBatches(batches);
    if (!ids) state.SkipWithError("WriteBatches failed");
  }
  state.SetItemsProcessed(state.iterations() * size);
}
BENCHMARK(BM_WriteBatches_Bulk)->Arg(5000)->Unit(benchmark::kMillisecond);

// One commit of range(0) single-reading uploads, each to another input, as
// the group commit sees 64 connections uploading one reading at a time.
void BM_WriteBatches_Singles(benchmark::State& state) {
  ScratchStore scratch;
  const int64_t size = state.range(0);
  int64_t second = 1'735'689'600;
  std::vector<IngestBatch> uploads(size);
  std::vector<const IngestBatch*> batches(size);
  for (auto _ : state) {
    state.PauseTiming();
    for (int64_t i = 0; i < size; ++i) {
      uploads[i] = IngestBatch{.input_pk = scratch.pk(i % kInputs), .readings = {At(second, 21.5)}};
      if (i % kInputs == kInputs - 1) ++second;
      batches[i] = &uploads[i];
    }
    ++second;
    state.ResumeTiming();
    auto ids = scratch.store().WriteBatches(batches);
    if (!ids) state.SkipWithError("WriteBatches failed");
  }
  state.SetItemsProcessed(state.iterations() * size);
}
BENCHMARK(BM_WriteBatches_Singles)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dc::bench
