// The bound on a fetch answer (docs/api.md "Fetch"): FetchWriter throws
// FetchAnswerTooLarge once its text passes the bound, the per-reading
// bounds hold for what it writes, and a raw answer certain to pass the
// bound is known before a reading is read.
#include "api/fetch_answer_bound.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/fetch_writer.h"
#include "query/upload_body.h"
#include "storage/store_factory.h"
#include "support/temp_dir.h"
#include "support/throwing_store.h"

namespace dc::api {
namespace {

using dc::testing::ThrowingStore;
using Fault = ThrowingStore::Fault;
using Point = ThrowingStore::Point;

FetchWriter::Fields AllFields() {
  FetchWriter::Fields fields;
  fields.lat_long = fields.x_axis = fields.metadata = true;
  return fields;
}

Reading At(int64_t second, double value = 1) {
  Reading r;
  r.timestamp = Timestamp{second * 1'000'000};
  r.value = value;
  return r;
}

Input Boiler() {
  Input input;
  input.pk = 1;
  input.id = "boiler";
  input.org_id = "acme";
  input.name = "Boiler";
  return input;
}

// `[{"input":…,"inputdata":[…]}]` of `count` readings, with `bound`.
std::string Answer(int count, size_t bound) {
  std::string out;
  FetchWriter writer(&out, {}, bound);
  writer.BeginList();
  writer.BeginInput(Boiler());
  for (int i = 0; i < count; ++i) writer.AddReading(At(i));
  writer.EndInput();
  writer.EndList();
  return out;
}

TEST(FetchAnswerBoundTest, WriterThrowsOncePastTheBoundAndNeverAtIt) {
  const std::string whole = Answer(100, kMaxFetchAnswerBytes);
  EXPECT_EQ(Answer(100, whole.size()), whole);
  try {
    Answer(100, whole.size() - 1);
    ADD_FAILURE() << "no FetchAnswerTooLarge one byte under the answer";
  } catch (const FetchAnswerTooLarge& e) {
    EXPECT_EQ(e.bound(), whole.size() - 1);
  }
  // It stops within a reading of the bound, not at the end of the scan.
  std::string out;
  FetchWriter writer(&out, {}, 1000);
  writer.BeginList();
  writer.BeginInput(Boiler());
  int written = 0;
  EXPECT_THROW(for (; written < 1'000'000; ++written) writer.AddReading(At(written)),
               FetchAnswerTooLarge);
  EXPECT_LE(out.size(), 1000u + MaxRawReadingBytes({}));
  EXPECT_LT(written, 30);
}

TEST(FetchAnswerBoundTest, StatisticsBucketsCountToo) {
  std::string out;
  FetchWriter::Fields fields;
  fields.functions = {AggregateFunc::kCount};
  fields.bucket_timestamp = true;
  FetchWriter writer(&out, fields, 500);
  writer.BeginList();
  writer.BeginInput(Boiler());
  EXPECT_THROW(for (int i = 0; i < 1000; ++i) writer.AddBucket(StatsBucket{}), FetchAnswerTooLarge);
}

// The size of one reading as the writer writes it, after a first one (so
// with the comma before it).
size_t SecondReadingBytes(const Reading& reading, const FetchWriter::Fields& fields) {
  std::string out;
  FetchWriter writer(&out, fields);
  writer.BeginList();
  writer.BeginInput(Boiler());
  writer.AddReading(reading);
  const size_t before = out.size();
  writer.AddReading(reading);
  return out.size() - before;
}

TEST(FetchAnswerBoundTest, PerReadingBoundsHoldForWhatTheWriterWrites) {
  for (const FetchWriter::Fields& fields : {FetchWriter::Fields{}, AllFields()}) {
    Reading least = At(0, 0);
    least.latitude = 0;
    least.longitude = 0;
    least.x_axis_value = "0";
    least.metadata = "{}";
    // Without the comma: the first reading of an input.
    EXPECT_EQ(SecondReadingBytes(least, fields) - 1, MinRawReadingBytes(fields));

    Reading most = At(253402300799, -2.2250738585072014e-308);  // 9999-12-31T23:59:59Z
    most.latitude = -1.2345678901234567e-300;
    most.longitude = -1.2345678901234567e-300;
    most.x_axis_value = "\"" + std::string(kMaxXAxisValueBytes - 2, 'x') + "\"";
    most.metadata = "{\"m\":\"" + std::string(kMaxMetadataBytes - 8, 'y') + "\"}";
    EXPECT_LE(SecondReadingBytes(most, fields), MaxRawReadingBytes(fields));
    EXPECT_GT(SecondReadingBytes(most, fields) + 40, MaxRawReadingBytes(fields))
        << "the upper bound is not far above the largest reading";
  }
}

class RawAnswerCertainlyOverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore("sqlite:" + dir_.File("bound.db"), StoreOptions{});
    ASSERT_TRUE(store) << store.error().ToString();
    real_ = std::move(*store);
    store_ = std::make_unique<ThrowingStore>(*real_);
    Organisation org;
    org.id = "acme";
    org.name = "Acme";
    ASSERT_TRUE(store_->CreateOrg(org).ok());
    auto input = store_->CreateInput(Boiler());
    ASSERT_TRUE(input) << input.error().ToString();
    input_ = *input;
    IngestBatch batch;
    batch.input_pk = input_.pk;
    for (int i = 0; i < kReadings; ++i) batch.readings.push_back(At(i));
    const IngestBatch* batches[] = {&batch};
    ASSERT_TRUE(store_->WriteBatches(batches));
  }

  static constexpr int kReadings = 100;
  dc::testing::TempDir dir_;
  std::unique_ptr<Store> real_;
  std::unique_ptr<ThrowingStore> store_;
  Input input_;
};

TEST_F(RawAnswerCertainlyOverTest, CountsTheWindowOnlyWhenTheBoundCouldBePassed) {
  FetchQuery query;
  query.limit = kReadings;
  const std::vector<const Input*> inputs = {&input_};
  const size_t least = kReadings * MinRawReadingBytes({});
  // Far over the most 100 readings can take: no count is asked for.
  store_->Arm(Point::kStatistics, Fault::kInt);
  auto fits = RawAnswerCertainlyOver(*store_, nullptr, inputs, query, {}, kMaxFetchAnswerBytes);
  ASSERT_TRUE(fits);
  EXPECT_FALSE(*fits);
  EXPECT_EQ(store_->thrown(Point::kStatistics), 0);
  store_->Arm(Point::kStatistics, Fault::kInt, 0);

  auto over = RawAnswerCertainlyOver(*store_, nullptr, inputs, query, {}, least - 1);
  ASSERT_TRUE(over) << over.error().ToString();
  EXPECT_TRUE(*over);
  auto under = RawAnswerCertainlyOver(*store_, nullptr, inputs, query, {}, least);
  ASSERT_TRUE(under) << under.error().ToString();
  EXPECT_FALSE(*under) << "the readings may still fit: the writer decides";
  // A limit below the count caps what is certain.
  query.limit = kReadings / 2;
  auto capped = RawAnswerCertainlyOver(*store_, nullptr, inputs, query, {}, least / 2 + 1);
  ASSERT_TRUE(capped) << capped.error().ToString();
  EXPECT_FALSE(*capped);
  // And the window does too.
  query.limit = kReadings;
  query.window.finish = Timestamp{9 * 1'000'000};
  auto narrow = RawAnswerCertainlyOver(*store_, nullptr, inputs, query, {}, least - 1);
  ASSERT_TRUE(narrow) << narrow.error().ToString();
  EXPECT_FALSE(*narrow);
}

}  // namespace
}  // namespace dc::api
