// Storing readings, in batches like a bulk upload's (5,000 readings of one
// input) and like single-reading uploads grouped by one commit (many inputs,
// one reading each), in its two steps: WriteBatches, what an upload waits
// for (ids given, one record appended to the ingest log), and the merge of
// those readings into the tables, which runs on the store's merge thread. `--sync normal`, so the
// figures are CPU, not fsync; timed merges are off, so the merge runs only when measured.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "micro/scratch_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace dc::bench {
namespace {

// Makes the next group of uploads: one bulk upload of `size` new readings
// of one input at 1 Hz, or `size` single-reading uploads, each to another
// input, as the group commit sees 64 connections uploading one at a time.
class Uploads {
 public:
  Uploads(ScratchStore& scratch, bool bulk, int64_t size)
      : scratch_(scratch), bulk_(bulk), size_(size), uploads_(bulk ? 1 : size) {
    for (const IngestBatch& upload : uploads_) pointers_.push_back(&upload);
  }
  std::span<const IngestBatch* const> Next() {
    if (bulk_) {
      uploads_[0] = IngestBatch{.input_pk = scratch_.pk(0), .readings = {}};
      uploads_[0].readings.reserve(size_);
      for (int64_t i = 0; i < size_; ++i) {
        uploads_[0].readings.push_back(At(second_++, 20.0 + i % 97 * 0.1));
      }
    } else {
      for (int64_t i = 0; i < size_; ++i) {
        uploads_[i] =
            IngestBatch{.input_pk = scratch_.pk(i % kInputs), .readings = {At(second_, 21.5)}};
        if (i % kInputs == kInputs - 1) ++second_;
      }
      ++second_;
    }
    return pointers_;
  }

 private:
  ScratchStore& scratch_;
  const bool bulk_;
  const int64_t size_;
  int64_t second_ = 1'735'689'600;  // 2025-01-01T00:00:00Z
  std::vector<IngestBatch> uploads_;
  std::vector<const IngestBatch*> pointers_;
};

// range(0): readings per group; range(1): groups per merge, 0 for none in
// the timing (then merged untimed, to keep memory flat).
void RunWrites(benchmark::State& state, bool bulk) {
  ScratchStore scratch;
  Uploads uploads(scratch, bulk, state.range(0));
  const int64_t groups = std::max<int64_t>(state.range(1), 1);
  for (auto _ : state) {
    for (int64_t g = 0; g < groups; ++g) {
      state.PauseTiming();
      std::span<const IngestBatch* const> batches = uploads.Next();
      state.ResumeTiming();
      if (!scratch.store().WriteBatches(batches)) state.SkipWithError("WriteBatches failed");
    }
    if (state.range(1) == 0) state.PauseTiming();
    if (!scratch.store().Flush().ok()) state.SkipWithError("Flush failed");
    if (state.range(1) == 0) state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * groups * state.range(0));
}

// Args: readings per group, groups per merge. "/0": WriteBatches alone,
// what an upload waits for; "/N": N groups and then their merge.
void BM_StoreBulk(benchmark::State& state) { RunWrites(state, true); }
void BM_StoreSingles(benchmark::State& state) { RunWrites(state, false); }
// Real time: the merge runs on another thread, which CPU time would miss.
BENCHMARK(BM_StoreBulk)
    ->Args({5000, 0})
    ->Args({5000, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
// 30 group commits of 64 per merge: about what a merge takes under W1.
BENCHMARK(BM_StoreSingles)
    ->Args({64, 0})
    ->Args({64, 1})
    ->Args({64, 30})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dc::bench
