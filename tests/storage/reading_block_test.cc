// The reading-block codec: every reading the merge stores must come back
// bit for bit, a block of regular readings must stay small, and bytes the
// encoder would not write must be refused, never read beyond.
#include "storage/sqlite/reading_block.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/byte_codec.h"

namespace dc::sqlite {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// 2026-01-01T00:00:00Z: a first timestamp of the size real blocks start with.
constexpr int64_t kStart = 1'767'225'600'000'000;

StoredReading At(int64_t id, int64_t micros, double value = 0) {
  StoredReading stored;
  stored.id = id;
  stored.reading.timestamp = Timestamp{micros};
  stored.reading.value = value;
  return stored;
}

std::vector<StoredReading> Steps(size_t count, int64_t step) {
  std::vector<StoredReading> readings;
  for (size_t i = 0; i < count; ++i) {
    const auto n = static_cast<int64_t>(i);
    readings.push_back(At(1 + n, kStart + n * step, 20.0 + 0.25 * static_cast<double>(n)));
  }
  return readings;
}

std::string Encode(const std::vector<StoredReading>& readings) {
  std::string out;
  EncodeBlock(readings, out);
  return out;
}

bool Decodes(std::string_view bytes) {
  std::vector<StoredReading> out;
  return DecodeBlock(bytes, out);
}

// Doubles compared by their bits: -0.0 must not come back as 0.0, nor one
// NaN as another.
uint64_t Bits(double value) { return std::bit_cast<uint64_t>(value); }

void ExpectSameBits(const std::optional<double>& got, const std::optional<double>& want,
                    const char* field, size_t i) {
  ASSERT_EQ(got.has_value(), want.has_value()) << field << " of reading " << i;
  if (want) {
    EXPECT_EQ(Bits(*got), Bits(*want)) << field << " of reading " << i;
  }
}

void ExpectSame(const std::vector<StoredReading>& got, const std::vector<StoredReading>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id) << "reading " << i;
    EXPECT_EQ(got[i].reading.timestamp.micros, want[i].reading.timestamp.micros) << "reading " << i;
    EXPECT_EQ(Bits(got[i].reading.value), Bits(want[i].reading.value)) << "reading " << i;
    ExpectSameBits(got[i].reading.latitude, want[i].reading.latitude, "latitude", i);
    ExpectSameBits(got[i].reading.longitude, want[i].reading.longitude, "longitude", i);
    EXPECT_EQ(got[i].reading.x_axis_value, want[i].reading.x_axis_value) << "reading " << i;
    EXPECT_EQ(got[i].reading.metadata, want[i].reading.metadata) << "reading " << i;
  }
}

void ExpectRoundTrip(const std::vector<StoredReading>& readings) {
  const std::string bytes = Encode(readings);
  std::vector<StoredReading> decoded;
  ASSERT_TRUE(DecodeBlock(bytes, decoded));
  ExpectSame(decoded, readings);
}

// A reading written field by field, for blocks the encoder would not write.
void PutReading(std::string& out, uint64_t ts_bits, int64_t id_delta, double value,
                uint8_t flags = 0) {
  PutVarint(out, ts_bits);
  PutVarint(out, ZigZag(id_delta));
  Put<double>(out, value);
  Put<uint8_t>(out, flags);
}

std::string Header(uint64_t count, uint8_t version = 1) {
  std::string out;
  Put<uint8_t>(out, version);
  PutVarint(out, count);
  return out;
}

TEST(ReadingBlockTest, OneReadingComesBack) { ExpectRoundTrip({At(42, kStart, 21.5)}); }

TEST(ReadingBlockTest, AFullBlockAtOneSecondStepsComesBack) {
  ExpectRoundTrip(Steps(kBlockReadings, kMicrosPerSecond));
}

TEST(ReadingBlockTest, TimestampsBefore1970AndAtTheLimitsComeBack) {
  ExpectRoundTrip(
      {At(1, -62'135'596'800'000'000), At(2, -kMicrosPerDay), At(3, -1), At(4, 0), At(5, 1)});
  ExpectRoundTrip({At(1, kMin)});
  ExpectRoundTrip({At(1, kMax)});
  // The largest step there is: the whole range in one difference.
  ExpectRoundTrip({At(1, kMin), At(2, kMax)});
  ExpectRoundTrip({At(1, kMin), At(2, kMin + 1), At(3, -1), At(4, kMax - 1), At(5, kMax)});
}

TEST(ReadingBlockTest, IdsGoingDownAndUpAndAtTheLimitsComeBack) {
  ExpectRoundTrip({At(500, kStart), At(3, kStart + 1), At(1'000'000, kStart + 2),
                   At(-7, kStart + 3), At(4, kStart + 4), At(4, kStart + 5), At(0, kStart + 6)});
  ExpectRoundTrip({At(kMax, kStart), At(kMin, kStart + 1), At(kMax, kStart + 2), At(0, kStart + 3),
                   At(kMin, kStart + 4), At(kMin + 1, kStart + 5), At(kMax - 1, kStart + 6),
                   At(-1, kStart + 7)});
  ExpectRoundTrip({At(kMin, kStart)});
  ExpectRoundTrip({At(kMax, kStart)});
}

TEST(ReadingBlockTest, ValuesComeBackBitExact) {
  const double values[] = {
      0.0,
      -0.0,
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min(),
      std::bit_cast<double>(uint64_t{0x000f'ffff'ffff'ffff}),  // the largest denormal
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      1e300,
      -1e-300,
      0.1,
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::bit_cast<double>(uint64_t{0x7ff8'0000'dead'beef}),  // a NaN with a payload
  };
  std::vector<StoredReading> readings;
  int64_t ts = kStart;
  for (double value : values) {
    StoredReading stored = At(static_cast<int64_t>(readings.size()), ts++, value);
    // The coordinates are doubles too, stored the same way.
    stored.reading.latitude = value;
    stored.reading.longitude = -value;
    readings.push_back(stored);
  }
  ExpectRoundTrip(readings);
}

TEST(ReadingBlockTest, EveryCombinationOfOptionalFieldsComesBack) {
  const std::string x_axes[] = {"7", R"("fifth")", "-1.5e3"};
  const std::string metadata[] = {
      R"({"site":"Zürich","note":"say \"hi\"","n":[1,2,{"ü":null}]})",
      R"({"emoji":"🌡️","quote":"'\""})",
      R"({"escaped":"tab\t, newline\n, \u0000, backslash \\"})",
  };
  std::vector<StoredReading> readings;
  int64_t ts = kStart;
  // Each combination twice in a row, in two rounds, so a field present or
  // absent in one reading cannot carry over into the next unnoticed.
  for (int round = 0; round < 2; ++round) {
    for (unsigned mask = 0; mask < 16; ++mask) {
      for (int repeat = 0; repeat < 2; ++repeat) {
        const auto n = static_cast<int64_t>(readings.size());
        StoredReading stored = At(100 + n, ts, static_cast<double>(n));
        ts += kMicrosPerSecond;
        if ((mask & 1) != 0) stored.reading.latitude = -33.8688 + static_cast<double>(n);
        if ((mask & 2) != 0) stored.reading.longitude = 151.2093 - static_cast<double>(n);
        if ((mask & 4) != 0) stored.reading.x_axis_value = x_axes[n % 3];
        if ((mask & 8) != 0) stored.reading.metadata = metadata[n % 3];
        readings.push_back(stored);
      }
    }
  }
  ExpectRoundTrip(readings);
  for (unsigned mask = 0; mask < 16; ++mask) {
    // And each alone, as a block's only reading.
    ExpectRoundTrip({readings[2 * mask]});
  }
}

TEST(ReadingBlockTest, RegularReadingsTakeAtMostFourteenBytesEach) {
  // What keeps the file small: a reading a second with consecutive ids
  // costs its value and little more.
  const std::string bytes = Encode(Steps(kBlockReadings, kMicrosPerSecond));
  EXPECT_LE(bytes.size(), 14 * kBlockReadings + 8);
}

TEST(ReadingBlockTest, EncodeAppends) {
  std::string out = "prefix";
  EncodeBlock(Steps(3, 1), out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), Encode(Steps(3, 1)));
}

TEST(ReadingBlockTest, EveryTruncationIsRefused) {
  std::vector<StoredReading> readings = Steps(5, kMicrosPerSecond);
  readings[1].reading.latitude = 1.5;
  readings[2].reading.longitude = 2.5;
  readings[3].reading.x_axis_value = "\"x\"";
  readings[4].reading.metadata = R"({"k":"v"})";
  const std::string bytes = Encode(readings);
  ASSERT_TRUE(Decodes(bytes));
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(Decodes(std::string_view(bytes).substr(0, size))) << "first " << size << " bytes";
  }
}

TEST(ReadingBlockTest, TrailingBytesAreRefused) {
  const std::string bytes = Encode(Steps(3, kMicrosPerSecond));
  EXPECT_FALSE(Decodes(bytes + '\0'));
  EXPECT_FALSE(Decodes(bytes + "garbage"));
  // Two blocks back to back are not one block.
  EXPECT_FALSE(Decodes(bytes + bytes));
}

TEST(ReadingBlockTest, AnUnknownVersionIsRefused) {
  const std::string bytes = Encode(Steps(3, kMicrosPerSecond));
  ASSERT_EQ(bytes[0], 1);
  for (int version : {0, 2, 0x81, 0xff}) {
    std::string other = bytes;
    other[0] = static_cast<char>(version);
    EXPECT_FALSE(Decodes(other)) << "version " << version;
  }
}

TEST(ReadingBlockTest, AnEmptyBlockIsRefused) {
  EXPECT_FALSE(Decodes(Header(0)));
  std::string bytes = Header(0);
  PutReading(bytes, ZigZag(kStart), 1, 1.0);
  EXPECT_FALSE(Decodes(bytes));
}

TEST(ReadingBlockTest, ACountTheBytesCannotHoldIsRefusedBeforeAllocating) {
  std::string body;
  PutReading(body, ZigZag(kStart), 1, 1.0);
  PutReading(body, 1, 1, 2.0);
  ASSERT_TRUE(Decodes(Header(2) + body));

  for (uint64_t count : {uint64_t{3}, uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    std::vector<StoredReading> out;
    EXPECT_FALSE(DecodeBlock(Header(count) + body, out)) << "count " << count;
    // Nothing was reserved for the readings the count claims.
    EXPECT_EQ(out.capacity(), 0u) << "count " << count;
  }
}

TEST(ReadingBlockTest, UnknownFlagBitsAreRefused) {
  for (int bit = 4; bit < 8; ++bit) {
    const auto flag = static_cast<uint8_t>(1u << bit);
    std::string first = Header(1);
    PutReading(first, ZigZag(kStart), 1, 1.0, flag);
    EXPECT_FALSE(Decodes(first)) << "flag " << int{flag} << " on the only reading";

    std::string second = Header(2);
    PutReading(second, ZigZag(kStart), 1, 1.0);
    PutReading(second, 1, 1, 2.0, flag);
    EXPECT_FALSE(Decodes(second)) << "flag " << int{flag} << " on the second reading";
  }
  // The same blocks with only known flags decode: the refusal is the flag's.
  std::string known = Header(1);
  PutReading(known, ZigZag(kStart), 1, 1.0, 0);
  EXPECT_TRUE(Decodes(known));
}

TEST(ReadingBlockTest, EqualTimestampsAreRefused) {
  for (uint64_t step : {uint64_t{0}, uint64_t{1}}) {
    std::string bytes = Header(3);
    PutReading(bytes, ZigZag(kStart), 1, 1.0);
    PutReading(bytes, 1, 1, 2.0);
    PutReading(bytes, step, 1, 3.0);
    EXPECT_EQ(Decodes(bytes), step != 0) << "step " << step;
  }
}

TEST(ReadingBlockTest, ATimestampPastTheLargestIsRefused) {
  // Five steps of room above the first: the fifth step fits, a sixth wraps.
  for (uint64_t step : {uint64_t{5}, uint64_t{6}, std::numeric_limits<uint64_t>::max()}) {
    std::string bytes = Header(2);
    PutReading(bytes, ZigZag(kMax - 5), 1, 1.0);
    PutReading(bytes, step, 1, 2.0);
    std::vector<StoredReading> out;
    const bool decoded = DecodeBlock(bytes, out);
    EXPECT_EQ(decoded, step == 5) << "step " << step;
    if (decoded) {
      EXPECT_EQ(out[1].reading.timestamp.micros, kMax);
    }
  }
  // From the smallest, the largest step reaches exactly the largest; any
  // step after that wraps.
  std::string bytes = Header(3);
  PutReading(bytes, ZigZag(kMin), 1, 1.0);
  PutReading(bytes, std::numeric_limits<uint64_t>::max(), 1, 2.0);
  PutReading(bytes, 1, 1, 3.0);
  EXPECT_FALSE(Decodes(bytes));
}

TEST(ReadingBlockTest, AVarintLongerThanTenBytesIsRefused) {
  std::string bytes = Header(1);
  bytes.append(10, '\x80');
  bytes.push_back('\x01');
  PutVarint(bytes, ZigZag(1));
  Put<double>(bytes, 1.0);
  Put<uint8_t>(bytes, 0);
  EXPECT_FALSE(Decodes(bytes));
}

TEST(ReadingBlockTest, AnyFlippedBitIsRefusedOrDecodesToAValidBlock) {
  std::vector<StoredReading> readings = Steps(4, kMicrosPerSecond);
  readings[0].reading.latitude = -33.86;
  readings[1].reading.longitude = 151.2;
  readings[2].reading.x_axis_value = "\"x\"";
  readings[3].reading.metadata = R"({"k":"v"})";
  const std::string bytes = Encode(readings);
  int decoded_count = 0;
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      std::vector<StoredReading> out;
      if (!DecodeBlock(damaged, out)) continue;
      ++decoded_count;
      // Whatever decodes is a block the encoder could have written: it
      // holds readings in strictly ascending order and comes back through
      // the codec unchanged.
      ASSERT_FALSE(out.empty()) << "byte " << at << " bit " << bit;
      for (size_t i = 1; i < out.size(); ++i) {
        ASSERT_LT(out[i - 1].reading.timestamp.micros, out[i].reading.timestamp.micros)
            << "byte " << at << " bit " << bit;
      }
      std::vector<StoredReading> again;
      ASSERT_TRUE(DecodeBlock(Encode(out), again)) << "byte " << at << " bit " << bit;
      ExpectSame(again, out);
    }
  }
  // A value's bits are not checked by anything, so some flips must decode;
  // none did would mean the loop tested nothing.
  EXPECT_GT(decoded_count, 0);
}

TEST(ReadingBlockTest, FindIdFindsEveryReadingAndTheNeighboursOfWhatIsNotThere) {
  std::vector<StoredReading> readings = Steps(256, 1'000'000);
  readings[7].reading.metadata = R"({"note":"skipped over by a lookup"})";
  readings[8].reading.latitude = 1.5;
  readings[9].id = 5;  // ids need not ascend
  const std::string block = Encode(readings);
  for (const StoredReading& stored : readings) {
    KeyLookup found;
    ASSERT_TRUE(FindIdInBlock(block, stored.reading.timestamp.micros, found));
    EXPECT_EQ(found.id, std::optional<int64_t>(stored.id)) << stored.reading.timestamp.micros;
  }
  const int64_t last = readings.back().reading.timestamp.micros;
  struct Case {
    int64_t ts;
    std::optional<int64_t> below;
    std::optional<int64_t> above;
  };
  for (const Case& c : {Case{kMin, std::nullopt, kStart}, Case{kStart - 1, std::nullopt, kStart},
                        Case{kStart + 1, kStart, kStart + 1'000'000},
                        Case{kStart + 8'000'001, kStart + 8'000'000, kStart + 9'000'000},
                        Case{kMax, last, std::nullopt}}) {
    KeyLookup found{.id = 99, .below = 1, .above = 2};
    ASSERT_TRUE(FindIdInBlock(block, c.ts, found));
    EXPECT_EQ(found.id, std::nullopt) << c.ts;
    EXPECT_EQ(found.below, c.below) << c.ts;
    EXPECT_EQ(found.above, c.above) << c.ts;
  }
}

TEST(ReadingBlockTest, FindIdRefusesWhatItReadsOfADamagedBlock) {
  const std::string block = Encode(Steps(4, 1'000'000));
  KeyLookup found;
  EXPECT_FALSE(FindIdInBlock(block.substr(0, block.size() - 1), kMax, found));
  EXPECT_FALSE(FindIdInBlock(Header(0), kStart, found));
  EXPECT_FALSE(FindIdInBlock(block + "x", kMax, found));  // read to the end, then garbage
}

}  // namespace
}  // namespace dc::sqlite
