// The ingest log's record format: what a crash can leave of a record must
// never be read as a group, and a whole record must come back exactly.
#include "storage/sqlite/ingest_log_record.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

namespace dc::sqlite {
namespace {

IngestBatch SampleBatch(int64_t input_pk, int readings) {
  IngestBatch batch{.input_pk = input_pk, .readings = {}};
  for (int i = 0; i < readings; ++i) {
    Reading reading;
    reading.timestamp = Timestamp{-3'600'000'000LL + i};
    reading.value = i * 0.5;
    if (i % 2 == 0) reading.latitude = -33.86;
    if (i % 3 == 0) reading.longitude = 151.2;
    if (i % 4 == 0) reading.x_axis_value = R"("fifth")";
    if (i % 5 == 0) reading.metadata = R"({"k":[1,2,{"ü":null}]})";
    batch.readings.push_back(reading);
  }
  return batch;
}

std::string Encode(uint64_t seq, const std::vector<IngestBatch>& batches,
                   std::vector<std::vector<int64_t>>& ids) {
  std::vector<const IngestBatch*> pointers;
  ids.clear();
  int64_t next = 100;
  for (const IngestBatch& batch : batches) {
    pointers.push_back(&batch);
    ids.emplace_back();
    for (size_t r = 0; r < batch.readings.size(); ++r) ids.back().push_back(next++);
  }
  std::string out;
  AppendLogRecord(seq, pointers, ids, out);
  return out;
}

// Recomputes the checksum of the record at the start of `record`, as a
// writer that meant its payload would have: what is refused then is the
// payload, not a torn append.
void Reseal(std::string& record) {
  uint32_t size = 0;
  std::memcpy(&size, record.data(), 4);
  const auto crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(record.data() + 8), static_cast<uInt>(size)));
  std::memcpy(record.data() + 4, &crc, 4);
}

void ExpectSameReading(const Reading& got, const Reading& want) {
  EXPECT_EQ(got.timestamp.micros, want.timestamp.micros);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.latitude, want.latitude);
  EXPECT_EQ(got.longitude, want.longitude);
  EXPECT_EQ(got.x_axis_value, want.x_axis_value);
  EXPECT_EQ(got.metadata, want.metadata);
}

TEST(IngestLogRecordTest, RecordsComeBackExactlyAndInOrder) {
  const std::vector<IngestBatch> first = {SampleBatch(7, 11), SampleBatch(9, 0)};
  const std::vector<IngestBatch> second = {SampleBatch(8, 3)};
  std::vector<std::vector<int64_t>> first_ids;
  std::vector<std::vector<int64_t>> second_ids;
  const std::string bytes = Encode(41, first, first_ids) + Encode(42, second, second_ids);

  std::vector<LoggedGroup> groups;
  EXPECT_EQ(ReadLogRecords(bytes, groups), bytes.size());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].seq, 41u);
  EXPECT_EQ(groups[0].readings, 11u);
  EXPECT_EQ(groups[0].ids, first_ids);
  ASSERT_EQ(groups[0].batches.size(), 2u);
  EXPECT_EQ(groups[0].batches[0].input_pk, 7);
  EXPECT_EQ(groups[0].batches[1].input_pk, 9);
  EXPECT_TRUE(groups[0].batches[1].readings.empty());
  for (size_t r = 0; r < first[0].readings.size(); ++r) {
    ExpectSameReading(groups[0].batches[0].readings[r], first[0].readings[r]);
  }
  EXPECT_EQ(groups[1].seq, 42u);
  EXPECT_EQ(groups[1].ids, second_ids);
}

TEST(IngestLogRecordTest, ATornRecordIsNeverRead) {
  std::vector<std::vector<int64_t>> ids;
  const std::string whole = Encode(1, {SampleBatch(1, 5)}, ids);
  const std::string bytes = whole + Encode(2, {SampleBatch(2, 5)}, ids);
  // Every cut inside the second record leaves exactly the first.
  for (size_t cut = whole.size(); cut < bytes.size(); ++cut) {
    std::vector<LoggedGroup> groups;
    EXPECT_EQ(ReadLogRecords(std::string_view(bytes).substr(0, cut), groups), whole.size());
    ASSERT_EQ(groups.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(groups[0].seq, 1u);
  }
}

TEST(IngestLogRecordTest, AnyFlippedBitEndsTheLogBeforeItsRecord) {
  std::vector<std::vector<int64_t>> ids;
  const std::string whole = Encode(1, {SampleBatch(1, 3)}, ids);
  const std::string bytes = whole + Encode(2, {SampleBatch(2, 3)}, ids);
  for (size_t at = whole.size(); at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      std::vector<LoggedGroup> groups;
      ReadLogRecords(damaged, groups);
      ASSERT_EQ(groups.size(), 1u) << "byte " << at << " bit " << bit;
    }
  }
}

TEST(IngestLogRecordTest, AnUnknownFlagEndsTheLogBeforeItsRecord) {
  std::vector<std::vector<int64_t>> ids;
  const std::string whole = Encode(1, {SampleBatch(1, 3)}, ids);
  const std::string next = Encode(2, {SampleBatch(2, 1)}, ids);
  // The flags byte of the second record's only reading follows the header,
  // the sequence number, the batch count, the batch's input and count, and
  // the reading's timestamp, id and value.
  constexpr size_t kFlagsAt = 8 + 8 + 4 + 8 + 4 + 8 + 8 + 8;
  ASSERT_EQ(next[kFlagsAt], 0x0f) << "the sample's first reading has every optional field";

  // Resealing an untouched record changes nothing: the checksum is the
  // writer's.
  std::string resealed = next;
  Reseal(resealed);
  ASSERT_EQ(resealed, next);
  for (int bit = 4; bit < 8; ++bit) {
    std::string flagged = next;
    flagged[kFlagsAt] = static_cast<char>(flagged[kFlagsAt] | (1 << bit));
    Reseal(flagged);
    ASSERT_NE(flagged.substr(4, 4), next.substr(4, 4)) << "the checksum covers the flags";
    std::vector<LoggedGroup> groups;
    EXPECT_EQ(ReadLogRecords(whole + flagged + whole, groups), whole.size()) << "bit " << bit;
    ASSERT_EQ(groups.size(), 1u) << "bit " << bit;
    EXPECT_EQ(groups[0].seq, 1u);
  }
}

TEST(IngestLogRecordTest, ZeroesAndGarbageAreNotRecords) {
  std::vector<LoggedGroup> groups;
  EXPECT_EQ(ReadLogRecords(std::string(4096, '\0'), groups), 0u);
  EXPECT_EQ(ReadLogRecords("\xff\xff\xff\x7f garbage", groups), 0u);
  EXPECT_EQ(ReadLogRecords("", groups), 0u);
  EXPECT_TRUE(groups.empty());
}

}  // namespace
}  // namespace dc::sqlite
