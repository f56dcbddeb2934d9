// The durable step of every upload: one record appended to the ingest log
// and fdatasync'ed (`--sync full`), as IngestLog::Append does it, next to
// the same write and fdatasync on a file that grows with every record. The
// log writes zeros ahead of its records, so its fdatasync has no new file
// size to write; the difference between the two is what that saves per
// group commit on this disk. Wall time: the figures are the disk's.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite/ingest_log.h"

namespace dc::bench {
namespace {

// These measure the SQLite backend's ingest log itself, not the Store interface.
using namespace dc::sqlite;

// A fresh directory under /tmp, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/dc-log-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void BM_IngestLogAppend(benchmark::State& state) {
  ScratchDir dir;
  auto log = IngestLog::Open(dir.path() + "/bench.db", SyncMode::kFull, std::chrono::seconds(1));
  if (!log) std::abort();
  const std::string record(static_cast<size_t>(state.range(0)), 'r');
  for (auto _ : state) {
    if (!(*log)->Append(record).ok()) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_IngestLogAppend)->Arg(1200)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The baseline: each write makes the file longer.
void BM_FdatasyncOfAGrowingFile(benchmark::State& state) {
  ScratchDir dir;
  const int fd = ::open((dir.path() + "/grows").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::abort();
  const std::string record(static_cast<size_t>(state.range(0)), 'r');
  off_t end = 0;
  for (auto _ : state) {
    if (::pwrite(fd, record.data(), record.size(), end) != static_cast<ssize_t>(record.size()) ||
        ::fdatasync(fd) != 0) {
      std::abort();
    }
    end += static_cast<off_t>(record.size());
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_FdatasyncOfAGrowingFile)->Arg(1200)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace dc::bench
