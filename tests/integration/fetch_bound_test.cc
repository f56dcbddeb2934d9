// The bound on a fetch answer (docs/api.md "Fetch"), against the real
// binary served with a small bound (the hidden
// DATACOOEE_MAX_FETCH_ANSWER_BYTES; 256 MiB otherwise): an answer over it is
// a 400 naming `limit`, whether that is certain before the readings are read
// or found while rendering them, and nothing of the answer is sent.

#include <string>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

constexpr size_t kBound = 8192;

class FetchBoundTest : public FetchTest {
 protected:
  void SetUp() override {
    FetchTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    server_.reset();
    server_ = std::make_unique<ServerProcess>(
        db_, std::vector<std::string>{},
        ServerProcessOptions{
            .env = {"DATACOOEE_MAX_FETCH_ANSWER_BYTES=" + std::to_string(kBound)}});
    // boiler_: 200 plain readings a minute apart, about 11 KiB as an answer.
    for (int i = 0; i < 200; ++i) {
      SentReading r;
      r.micros = TimestampMicrosAt(60 * i);
      r.value = 1.0 * i;
      plain_.push_back(r);
    }
    ASSERT_TRUE(UploadReadings(boiler_, plain_));
    // pump_: 20 readings with 500 bytes of metadata each: few enough that
    // only rendering them shows the answer is over.
    for (int i = 0; i < 20; ++i) {
      SentReading r;
      r.micros = TimestampMicrosAt(i);
      r.value = 2;
      r.metadata_json = R"({"note":")" + std::string(500, 'n') + R"("})";
      padded_.push_back(r);
    }
    ASSERT_TRUE(UploadReadings(pump_, padded_));
  }

  // The 400 of an answer over the bound.
  static ::testing::AssertionResult IsTooLarge(const FetchResponse& response) {
    auto error = IsParameterError(response.http, 400, "limit");
    if (!error) return error;
    const std::string detail = ErrorDetail(response.http);
    if (detail.find(std::to_string(kBound) + " bytes") == std::string::npos ||
        detail.find("a smaller limit or a narrower window") == std::string::npos) {
      return ::testing::AssertionFailure() << "detail: " << detail;
    }
    return ::testing::AssertionSuccess();
  }

  std::vector<SentReading> plain_;
  std::vector<SentReading> padded_;
};

TEST_F(FetchBoundTest, RawAnswerOverTheBoundIs400NamingLimit) {
  // 200 readings of at least 55 bytes: over before a reading is read.
  const std::string all = "get_inputdata_by_inputs?input_ids=" + boiler_.id + "&limit=200";
  EXPECT_TRUE(IsTooLarge(Fetch(all)));
  // A smaller limit, or a narrower window, fits.
  const std::string fewer = "get_inputdata_by_inputs?input_ids=" + boiler_.id + "&limit=100";
  EXPECT_TRUE(IsFetchAnswer(
      Fetch(fewer),
      ExpectedRawList({{boiler_, SelectRaw(plain_, {}, Order::kTimestampDesc, 100)}})));
  const Window window{TimestampMicrosAt(0), TimestampMicrosAt(60 * 99)};
  const std::string narrower = all + "&timeperiod_start=" + UrlEncode(FormatMicros(*window.start)) +
                               "&timeperiod_finish=" + UrlEncode(FormatMicros(*window.finish));
  EXPECT_TRUE(IsFetchAnswer(
      Fetch(narrower),
      ExpectedRawList({{boiler_, SelectRaw(plain_, window, Order::kTimestampDesc, 200)}})));
  // By asset, and ordered by value, the same.
  EXPECT_TRUE(
      IsTooLarge(Fetch("get_inputdata_by_asset?asset_id=67&limit=200&order_by=value&sort_by=asc")));
}

TEST_F(FetchBoundTest, AnswerFoundOverWhileRenderingIs400Too) {
  // 20 readings could fit, but not with their metadata: the writer finds
  // out, and the partial answer is dropped.
  const std::string target = "get_inputdata_by_inputs?input_ids=" + pump_.id;
  EXPECT_TRUE(IsTooLarge(Fetch(target + "&is_add_metadata=true")));
  EXPECT_TRUE(
      IsFetchAnswer(Fetch(target + "&is_add_metadata=true&limit=10"),
                    ExpectedRawList({{pump_, SelectRaw(padded_, {}, Order::kTimestampDesc, 10)}},
                                    RawFields{.metadata = true})));
  EXPECT_EQ(Fetch(target).http.status, 200) << "without the metadata it fits";
}

TEST_F(FetchBoundTest, StatisticsBucketsCountAgainstTheBound) {
  const std::string target = "get_statistics_inputdata_by_inputs?input_ids=" + boiler_.id +
                             "&interval=1_minute&aggregation_func=min,max,avg,sum,count";
  EXPECT_TRUE(IsTooLarge(Fetch(target)));
  EXPECT_EQ(Fetch(target + "&limit=20").http.status, 200);
}

}  // namespace
}  // namespace dc::testing
