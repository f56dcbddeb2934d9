// Fuzzes ReadLogRecords, which reads whatever a crash left of the ingest
// log on start-up: it must stop at the first record that is not whole and
// sound, and report only bytes it read. Each group it returns is written
// again with AppendLogRecord: that must give back the record it came from,
// byte for byte, but for one spelling the reader takes and the writer never
// uses (an optional text flagged present with length 0, read as absent, is
// written without its flag and its 4-byte length).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "same_reading.h"
#include "storage/sqlite/ingest_log_record.h"

namespace {

constexpr size_t kHeaderSize = 8;
// Each reading has two optional texts whose empty spelling can be dropped.
constexpr size_t kDroppableBytesPerReading = 2 * 4;

[[noreturn]] void Fail(const char* what, size_t record) {
  std::fprintf(stderr, "ingest_log_fuzzer: record %zu: %s\n", record, what);
  std::abort();
}

bool SameGroup(const dc::sqlite::LoggedGroup& a, const dc::sqlite::LoggedGroup& b) {
  if (a.seq != b.seq || a.readings != b.readings || a.ids != b.ids ||
      a.batches.size() != b.batches.size()) {
    return false;
  }
  for (size_t i = 0; i < a.batches.size(); ++i) {
    const dc::IngestBatch& x = a.batches[i];
    const dc::IngestBatch& y = b.batches[i];
    if (x.input_pk != y.input_pk || x.readings.size() != y.readings.size()) return false;
    for (size_t r = 0; r < x.readings.size(); ++r) {
      if (!dc::fuzz::SameReading(x.readings[r], y.readings[r])) return false;
    }
  }
  return true;
}

std::string Encode(const dc::sqlite::LoggedGroup& group) {
  std::vector<const dc::IngestBatch*> batches;
  for (const dc::IngestBatch& batch : group.batches) batches.push_back(&batch);
  std::string out;
  dc::sqlite::AppendLogRecord(group.seq, batches, group.ids, out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<dc::sqlite::LoggedGroup> groups;
  const size_t used = dc::sqlite::ReadLogRecords(bytes, groups);
  if (used > size) Fail("used more bytes than there are", groups.size());

  std::string rewritten;
  size_t at = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    // Record g, as its header delimits it.
    if (used - at < kHeaderSize) Fail("used ends inside a header", g);
    uint32_t payload_size = 0;
    std::memcpy(&payload_size, bytes.data() + at, 4);
    if (used - at - kHeaderSize < payload_size) Fail("used ends inside a payload", g);
    const std::string_view original = bytes.substr(at, kHeaderSize + payload_size);
    at += original.size();

    size_t ids = 0;
    for (const auto& batch_ids : groups[g].ids) ids += batch_ids.size();
    if (groups[g].ids.size() != groups[g].batches.size() || ids != groups[g].readings) {
      Fail("ids do not match the readings", g);
    }

    const std::string record = Encode(groups[g]);
    if (record.size() > original.size()) Fail("rewritten record is longer", g);
    const size_t dropped = original.size() - record.size();
    if (dropped == 0 && record != original) Fail("rewritten record differs", g);
    if (dropped % 4 != 0 || dropped > kDroppableBytesPerReading * groups[g].readings) {
      Fail("rewritten record is shorter by more than empty texts", g);
    }
    rewritten += record;
  }
  if (at != used) Fail("used is not the sum of the records read", groups.size());

  // Whatever the spelling, the rewritten log reads back whole, to the same
  // groups.
  std::vector<dc::sqlite::LoggedGroup> again;
  if (dc::sqlite::ReadLogRecords(rewritten, again) != rewritten.size()) {
    Fail("rewritten log not read whole", again.size());
  }
  if (again.size() != groups.size()) Fail("rewritten log has another count", again.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    if (!SameGroup(again[g], groups[g])) Fail("rewritten record reads as another group", g);
  }
  return 0;
}
