#pragma once

namespace dc::sqlite {

// Tuning of the SQLite backend alone, beside the StoreOptions every backend
// takes. Every field states its default.
struct SqliteOptions {
  // The backend acknowledges readings once they are in its ingest log and
  // merges them into its tables later (sqlite_store.h): once no upload came
  // for merge_idle_ms, and at the latest merge_max_delay_ms after the
  // oldest unmerged one. Longer delays merge more readings per block
  // rewritten (1 s against 100 ms: 41.8 against 44.4 µs of server CPU per
  // single-reading upload, the mean of 4 alternating 8 s runs of 64
  // connections; noisy); a read never waits longer than one merge, which
  // it starts itself.
  int merge_idle_ms = 5;
  int merge_max_delay_ms = 1000;
};

}  // namespace dc::sqlite
