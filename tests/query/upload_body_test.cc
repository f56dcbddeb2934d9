#include "query/upload_body.h"

#include <gtest/gtest.h>

#include <string>

#include "query/repeated_key.h"

namespace dc {
namespace {

constexpr const char* kInput = "senxxxxxxxxxx";

std::string Single(const std::string& attributes, const std::string& extra = "") {
  return R"({"data":{"type":"SensorData","id":"null","attributes":{)" + attributes + "}" + extra +
         "}}";
}

// Asserts that `body` fails with `code` at `pointer`.
void ExpectError(const std::string& body, Status::Code code, const std::string& pointer) {
  auto parsed = ParseUploadBody(body, kInput);
  ASSERT_FALSE(parsed.has_value()) << body;
  EXPECT_EQ(parsed.error().code(), code) << parsed.error().ToString();
  EXPECT_EQ(parsed.error().source_kind(), Status::SourceKind::kPointer);
  EXPECT_EQ(parsed.error().source(), pointer) << parsed.error().ToString();
  EXPECT_FALSE(parsed.error().detail().empty());
}

TEST(UploadBody, ReferenceSampleParses) {
  const std::string body =
      R"({"data":{"type":"SensorData", "id": "null", "attributes": { "value": "12.5", )"
      R"("timestamp": "2020-10-13T14:02:39.489Z"}, "relationships": { "sensor": { "data": )"
      R"({ "type": "Sensor", "id": "senxxxxxxxxxx" }}}}})";
  auto parsed = ParseUploadBody(body, kInput);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_FALSE(parsed->is_batch);
  ASSERT_EQ(parsed->readings.size(), 1u);
  EXPECT_EQ(parsed->readings[0].value, 12.5);
  EXPECT_EQ(parsed->readings[0].timestamp.micros, 1602597759489000);
  EXPECT_FALSE(parsed->readings[0].latitude.has_value());
}

TEST(UploadBody, OptionalAttributesAreKept) {
  auto parsed = ParseUploadBody(
      Single(R"("value":7,"timestamp":"2020-10-13 14:02:39","latitude":"40.730610",)"
             R"("longitude":-73.935242,"x_axis_value":"left","metadata":{"a": [1, 2]})"),
      kInput);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  const Reading& r = parsed->readings[0];
  EXPECT_EQ(r.value, 7);
  EXPECT_EQ(*r.latitude, 40.73061);
  EXPECT_EQ(*r.longitude, -73.935242);
  EXPECT_EQ(r.x_axis_value, R"("left")");
  EXPECT_EQ(r.metadata, R"({"a":[1,2]})");
}

TEST(UploadBody, NullOptionalsMeanAbsent) {
  auto parsed =
      ParseUploadBody(Single(R"("value":1,"timestamp":"2020-10-13T14:02:39Z","latitude":null,)"
                             R"("longitude":null,"x_axis_value":null,"metadata":null)"),
                      kInput);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(parsed->readings[0].latitude.has_value());
  EXPECT_TRUE(parsed->readings[0].metadata.empty());
}

TEST(UploadBody, IdMayBeAbsentNullOrNullString) {
  for (const char* id : {"", R"("id":null,)", R"("id":"null",)"}) {
    const std::string body = std::string(R"({"data":{"type":"SensorData",)") + id +
                             R"("attributes":{"value":1,"timestamp":"2020-01-01T00:00:00Z"}}})";
    EXPECT_TRUE(ParseUploadBody(body, kInput).has_value()) << body;
  }
  ExpectError(R"({"data":{"type":"SensorData","id":"5","attributes":{"value":1,)"
              R"("timestamp":"2020-01-01T00:00:00Z"}}})",
              Status::Code::kInvalidArgument, "/data/id");
}

TEST(UploadBody, ErrorsPointAtTheMember) {
  using C = Status::Code;
  ExpectError("not json", C::kInvalidArgument, "");
  ExpectError("[1,2]", C::kInvalidArgument, "");
  ExpectError("{}", C::kInvalidArgument, "/data");
  ExpectError(R"({"data":5})", C::kInvalidArgument, "/data");
  ExpectError(R"({"data":{"attributes":{}}})", C::kInvalidArgument, "/data/type");
  ExpectError(R"({"data":{"type":"Other","attributes":{}}})", C::kConflict, "/data/type");
  ExpectError(R"({"data":{"type":"SensorData"}})", C::kInvalidArgument, "/data/attributes");
  ExpectError(Single(R"("timestamp":"2020-01-01T00:00:00Z")"), C::kInvalidArgument,
              "/data/attributes/value");
  ExpectError(Single(R"("value":1)"), C::kInvalidArgument, "/data/attributes/timestamp");
  ExpectError(Single(R"("value":"abc","timestamp":"2020-01-01T00:00:00Z")"), C::kInvalidArgument,
              "/data/attributes/value");
  ExpectError(Single(R"("value":"NaN","timestamp":"2020-01-01T00:00:00Z")"), C::kInvalidArgument,
              "/data/attributes/value");
  ExpectError(Single(R"("value":"1e400","timestamp":"2020-01-01T00:00:00Z")"), C::kInvalidArgument,
              "/data/attributes/value");
  ExpectError(Single(R"("value":true,"timestamp":"2020-01-01T00:00:00Z")"), C::kInvalidArgument,
              "/data/attributes/value");
  ExpectError(Single(R"("value":1,"timestamp":1602597759)"), C::kInvalidArgument,
              "/data/attributes/timestamp");
  ExpectError(Single(R"("value":1,"timestamp":"1602597759")"), C::kInvalidArgument,
              "/data/attributes/timestamp");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","latitude":91)"),
              C::kInvalidArgument, "/data/attributes/latitude");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","longitude":"-180.5")"),
              C::kInvalidArgument, "/data/attributes/longitude");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","latitute":1)"),
              C::kInvalidArgument, "/data/attributes/latitute");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","metadata":[1])"),
              C::kInvalidArgument, "/data/attributes/metadata");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","x_axis_value":{})"),
              C::kInvalidArgument, "/data/attributes/x_axis_value");
  ExpectError(Single(R"("value":1,"value":2,"timestamp":"2020-01-01T00:00:00Z")"),
              C::kInvalidArgument, "/data/attributes/value");
  // RFC 6901: '~' and '/' in a member name are escaped in the pointer.
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","a/b~c":1)"),
              C::kInvalidArgument, "/data/attributes/a~1b~0c");
  ExpectError(Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","":1)"), C::kInvalidArgument,
              "/data/attributes/");
}

TEST(UploadBody, RelationshipMustNameTheUrlInput) {
  const std::string attributes = R"("value":1,"timestamp":"2020-01-01T00:00:00Z")";
  EXPECT_TRUE(ParseUploadBody(Single(attributes, R"(,"relationships":{"sensor":{"data":)"
                                                 R"({"type":"Sensor","id":"senxxxxxxxxxx"}}})"),
                              kInput)
                  .has_value());
  ExpectError(Single(attributes,
                     R"(,"relationships":{"sensor":{"data":{"type":"Sensor","id":"senother"}}})"),
              Status::Code::kInvalidArgument, "/data/relationships/sensor/data/id");
  ExpectError(Single(attributes, R"(,"relationships":{"sensor":{"data":{"type":"X",)"
                                 R"("id":"senxxxxxxxxxx"}}})"),
              Status::Code::kInvalidArgument, "/data/relationships/sensor/data/type");
  ExpectError(Single(attributes, R"(,"relationships":{"owner":{}})"),
              Status::Code::kInvalidArgument, "/data/relationships/owner");
}

std::string Batch(int count, int bad_index = -1) {
  std::string body = R"({"data":[)";
  for (int i = 0; i < count; ++i) {
    if (i) body += ",";
    const std::string value = i == bad_index ? R"("x")" : std::to_string(i);
    body += R"({"type":"SensorData","attributes":{"value":)" + value +
            R"(,"timestamp":"2020-01-01T00:00:)" + (i % 60 < 10 ? "0" : "") +
            std::to_string(i % 60) + R"(Z"}})";
  }
  return body + "]}";
}

TEST(UploadBody, BatchKeepsOrder) {
  auto parsed = ParseUploadBody(Batch(100), kInput);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->is_batch);
  ASSERT_EQ(parsed->readings.size(), 100u);
  EXPECT_EQ(parsed->readings[61].value, 61);
}

TEST(UploadBody, BatchErrorNamesTheElement) {
  ExpectError(Batch(30, 17), Status::Code::kInvalidArgument, "/data/17/attributes/value");
  ExpectError(R"({"data":[]})", Status::Code::kInvalidArgument, "/data");
  ExpectError(Batch(static_cast<int>(kMaxBatchElements) + 1), Status::Code::kInvalidArgument,
              "/data");
  EXPECT_TRUE(ParseUploadBody(Batch(static_cast<int>(kMaxBatchElements)), kInput).has_value());
}

TEST(UploadBody, SingleObjectOverOneMebibyteIsTooLarge) {
  std::string body = Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z")");
  body.insert(1, std::string(kMaxSingleBodyBytes, ' '));
  auto parsed = ParseUploadBody(body, kInput);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), Status::Code::kPayloadTooLarge);
}

TEST(UploadBody, InvalidUtf8IsRefused) {
  ExpectError(
      Single("\"value\":1,\"timestamp\":\"2020-01-01T00:00:00Z\",\"x_axis_value\":\"\xff\""),
      Status::Code::kInvalidArgument, "");
}

TEST(UploadBody, DeepNestingIsRefusedNotCrashed) {
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseUploadBody(deep, kInput).has_value());
  std::string meta = Single(R"("value":1,"timestamp":"2020-01-01T00:00:00Z","metadata":)" +
                            std::string(5000, '[') + std::string(5000, ']'));
  EXPECT_FALSE(ParseUploadBody(meta, kInput).has_value());
}

// ---- Repeated names inside metadata ------------------------------------

// A reading whose metadata is `metadata_json`.
std::string WithMetadata(const std::string& metadata_json) {
  return Single(R"("value":1,"timestamp":"2021-01-01T00:00:00Z","metadata":)" + metadata_json);
}

// {"k0":0,…} with `count` distinct names, then `tail` (e.g. a repeat).
std::string ManyKeys(size_t count, const std::string& tail = "") {
  std::string json = "{";
  for (size_t i = 0; i < count; ++i) {
    json += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  }
  return json + tail + "}";
}

TEST(UploadBody, RepeatedNameInMetadataIs400AtTheRepeat) {
  const std::string base = "/data/attributes/metadata";
  ExpectError(WithMetadata(R"({"a":1,"b":2,"a":3})"), Status::Code::kInvalidArgument, base + "/a");
  // Nested objects and objects inside arrays too; names compared unescaped.
  ExpectError(WithMetadata(R"({"site":{"room":1,"room":2}})"), Status::Code::kInvalidArgument,
              base + "/site/room");
  ExpectError(WithMetadata(R"({"tags":[{"x":1},{"y":1,"y":2}]})"), Status::Code::kInvalidArgument,
              base + "/tags/1/y");
  ExpectError(WithMetadata(R"({"a":1,"\u0061":2})"), Status::Code::kInvalidArgument, base + "/a");
  // In a batch, the element is named.
  ExpectError(R"({"data":[{"type":"SensorData","attributes":{"value":1,"timestamp":)"
              R"("2021-01-01T00:00:00Z"}},{"type":"SensorData","attributes":{"value":1,)"
              R"("timestamp":"2021-01-01T00:00:01Z","metadata":{"z":1,"z":1}}}]})",
              Status::Code::kInvalidArgument, "/data/1/attributes/metadata/z");
}

TEST(UploadBody, RepeatedNameAmongManyMetadataKeysIsFoundBySorting) {
  // Past kPairwiseKeys names the repeat is found by sorting; either way the
  // first member that repeats an earlier one is named.
  for (size_t count : {kPairwiseKeys - 1, kPairwiseKeys, kPairwiseKeys + 1, size_t{2000}}) {
    SCOPED_TRACE(count);
    auto fine = ParseUploadBody(WithMetadata(ManyKeys(count)), kInput);
    EXPECT_TRUE(fine.has_value()) << fine.error().ToString();
    ExpectError(WithMetadata(ManyKeys(count, R"(,"k3":0,"k1":0)")), Status::Code::kInvalidArgument,
                "/data/attributes/metadata/k3");
  }
}

TEST(UploadBody, EqualValuesUnderDistinctNamesAreFine) {
  auto parsed =
      ParseUploadBody(WithMetadata(R"({"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]})"), kInput);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->readings[0].metadata, R"({"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]})");
}

}  // namespace
}  // namespace dc
