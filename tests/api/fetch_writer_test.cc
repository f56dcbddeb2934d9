// FetchWriter never writes a token that is not JSON: a sum beyond the
// double range is `null` (docs/api.md "Statistics"), the mean of readings
// near the range's ends is exact, and a non-finite number, which no stored
// reading holds, is refused (the fetch is answered 500) rather than written
// as `inf` or `nan`.
#include "api/fetch_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace dc::api {
namespace {

const std::vector<AggregateFunc> kEveryFunction = {
    AggregateFunc::kMin,   AggregateFunc::kMax,   AggregateFunc::kAvg, AggregateFunc::kSum,
    AggregateFunc::kCount, AggregateFunc::kFirst, AggregateFunc::kLast};

FetchWriter::Fields EveryFunction() {
  FetchWriter::Fields fields;
  fields.functions = kEveryFunction;
  return fields;
}

// An aggregate of `count` readings, all of `value`, whose sum is `sum`.
Aggregate Constant(int64_t count, double value, long double sum) {
  Aggregate a;
  a.count = count;
  a.sum = sum;
  a.min = a.max = a.first = a.last = value;
  return a;
}

std::string Bucket(const Aggregate& aggregate) {
  std::string out;
  FetchWriter writer(&out, EveryFunction());
  writer.AddBucket(StatsBucket{.start = Timestamp{}, .aggregate = aggregate});
  return out;
}

TEST(FetchWriterTest, ASumBeyondTheDoubleRangeIsNullAndTheMeanStillANumber) {
  EXPECT_EQ(Bucket(Constant(2, 1e308, 2 * static_cast<long double>(1e308))),
            R"({"min":1e+308,"max":1e+308,"avg":1e+308,"sum":null,"count":2,)"
            R"("first":1e+308,"last":1e+308})");
  EXPECT_EQ(Bucket(Constant(3, -1.7e308, -3 * static_cast<long double>(1.7e308))),
            R"({"min":-1.7e+308,"max":-1.7e+308,"avg":-1.7e+308,"sum":null,"count":3,)"
            R"("first":-1.7e+308,"last":-1.7e+308})");
  // The largest double itself is a sum, and a mean.
  const double most = std::numeric_limits<double>::max();
  EXPECT_EQ(Bucket(Constant(1, most, most)),
            R"({"min":1.7976931348623157e+308,"max":1.7976931348623157e+308,)"
            R"("avg":1.7976931348623157e+308,"sum":1.7976931348623157e+308,"count":1,)"
            R"("first":1.7976931348623157e+308,"last":1.7976931348623157e+308})");
}

TEST(FetchWriterTest, AnEmptyBucketIsStillNullsAndZeros) {
  EXPECT_EQ(Bucket(Aggregate{}),
            R"({"min":null,"max":null,"avg":null,"sum":0,"count":0,"first":null,"last":null})");
}

// What no stored reading can hold: each must make the writer throw, which
// RunGuarded answers 500, before a byte of it is written.
TEST(FetchWriterTest, RefusesToWriteANonFiniteNumber) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {inf, -inf, nan}) {
    SCOPED_TRACE(bad);
    std::vector<Aggregate> buckets(3, Constant(1, 2, 2));
    buckets[0].min = bad;
    buckets[1].last = bad;
    buckets[2].max = bad;
    for (const Aggregate& aggregate : buckets) {
      std::string out;
      FetchWriter writer(&out, EveryFunction());
      EXPECT_THROW(writer.AddBucket(StatsBucket{.start = Timestamp{}, .aggregate = aggregate}),
                   std::logic_error);
      EXPECT_EQ(out.find("inf"), std::string::npos) << out;
      EXPECT_EQ(out.find("nan"), std::string::npos) << out;
    }

    Reading value;
    value.value = bad;
    Reading latitude;
    latitude.latitude = bad;
    for (const Reading& reading : {value, latitude}) {
      std::string out;
      FetchWriter::Fields fields;
      fields.lat_long = true;
      FetchWriter writer(&out, fields);
      writer.BeginList();
      EXPECT_THROW(writer.AddReading(reading), std::logic_error);
      EXPECT_EQ(out.find("inf"), std::string::npos) << out;
      EXPECT_EQ(out.find("nan"), std::string::npos) << out;
    }
  }
}

}  // namespace
}  // namespace dc::api
