// POST /api/external/v1/inputs/{input_pk}/inputdata/ against the real
// server: what a device sees for good uploads, every kind of bad one, and
// batches (docs/api.md "Upload", "Upload body").

#include <string>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

using UploadTest = ServerTest;

constexpr char kSampleAttributes[] =
    R"({"timestamp":"2020-10-13T14:02:39.489000Z","value":"12.5"})";

// ---- Success ------------------------------------------------------------

TEST_F(UploadTest, ReferenceCurlSampleGets201WithTheReferenceBody) {
  HttpResponse response = Upload(ReferenceSampleBody(input_));
  EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
  EXPECT_EQ(CountReadings(db_, input_), 1);
}

TEST_F(UploadTest, PathWithoutTrailingSlashIsAnsweredDirectlyNotRedirected) {
  HttpClient client(server_->port());
  HttpResponse response = client.Request("POST", UploadTarget(input_, /*trailing_slash=*/false),
                                         UploadHeaders(org_), ReferenceSampleBody(input_));
  EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
  EXPECT_EQ(response.Header("location"), "");
}

TEST_F(UploadTest, ApplicationJsonWithCharsetIsAccepted) {
  for (const std::string type : {"application/json; charset=utf-8", "application/json",
                                 "Application/JSON", "application/vnd.api+json; charset=UTF-8"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(IsCreated(Upload(ReferenceSampleBody(input_), UploadHeaders(org_, type)),
                          kSampleAttributes, input_));
  }
}

TEST_F(UploadTest, DataIdMayBeAbsentNullOrTheStringNull) {
  const std::string attributes = Attributes("1", kSampleTimestamp);
  const std::string rel =
      R"("relationships":{"sensor":{"data":{"type":"Sensor","id":")" + input_ + R"("}}})";
  for (const std::string& id_member :
       {std::string(""), std::string(R"("id":null,)"), std::string(R"("id":"null",)")}) {
    SCOPED_TRACE(id_member);
    const std::string body = R"({"data":{"type":"SensorData",)" + id_member + R"("attributes":)" +
                             attributes + "," + rel + "}}";
    EXPECT_TRUE(IsCreated(Upload(body),
                          R"({"timestamp":"2020-10-13T14:02:39.489000Z","value":"1"})", input_));
  }
}

TEST_F(UploadTest, RelationshipsMayBeLeftOutAndAreStillEchoed) {
  const std::string body =
      R"({"data":{"type":"SensorData","attributes":{"value":"12.5","timestamp":")" +
      std::string(kSampleTimestamp) + R"("}}})";
  EXPECT_TRUE(IsCreated(Upload(body), kSampleAttributes, input_));
}

TEST_F(UploadTest, NumbersAreEchoedAsShortestRoundTripStrings) {
  struct Case {
    std::string attributes;  // besides timestamp
    std::string echoed;      // besides timestamp
  };
  const std::vector<Case> cases = {
      {R"("value":7)", R"("value":"7")"},
      {R"("value":"7")", R"("value":"7")"},
      {R"("value":"-3e2")", R"("value":"-300")"},
      {R"("value":"+7")", R"("value":"7")"},
      {R"("value":12.50)", R"("value":"12.5")"},
      {R"("value":0.1)", R"("value":"0.1")"},
      {R"("value":-0.000001)", R"("value":"-1e-06")"},
      {R"("value":1,"latitude":40.730610,"longitude":-73.935242)",
       R"("value":"1","latitude":"40.73061","longitude":"-73.935242")"},
      {R"("value":1,"latitude":"40.730610","longitude":"-73.935242")",
       R"("value":"1","latitude":"40.73061","longitude":"-73.935242")"},
      {R"("value":1,"latitude":-90,"longitude":180)",
       R"("value":"1","latitude":"-90","longitude":"180")"},
      {R"("value":1,"longitude":"-0.5")", R"("value":"1","longitude":"-0.5")"},
      {R"("value":1,"latitude":null,"longitude":null)", R"("value":"1")"},
  };
  int second = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.attributes);
    const std::string ts = TimestampAt(second++);
    const std::string ts_out = ts.substr(0, 19) + ".000000Z";
    EXPECT_TRUE(
        IsCreated(Upload(SingleBody("{" + c.attributes + R"(,"timestamp":")" + ts + "\"}", input_)),
                  "{" + c.echoed + R"(,"timestamp":")" + ts_out + "\"}", input_));
  }
}

TEST_F(UploadTest, XAxisValueAndMetadataAreEchoedAsSent) {
  const std::string ts = TimestampAt(0);
  const std::string out = ts.substr(0, 19) + ".000000Z";
  EXPECT_TRUE(IsCreated(
      Upload(SingleBody(R"({"value":1,"timestamp":")" + ts +
                            R"(","x_axis_value":"left","metadata":{"battery":97,"tags":["a","b"],)"
                            R"("nested":{"ok":true,"none":null}}})",
                        input_)),
      R"({"value":"1","timestamp":")" + out +
          R"(","x_axis_value":"left","metadata":{"battery":97,"tags":["a","b"],)"
          R"("nested":{"ok":true,"none":null}}})",
      input_));
  const std::string ts2 = TimestampAt(1);
  EXPECT_TRUE(IsCreated(
      Upload(SingleBody(
          R"({"value":1,"timestamp":")" + ts2 + R"(","x_axis_value":3.25,"metadata":{}})", input_)),
      R"({"value":"1","timestamp":")" + ts2.substr(0, 19) +
          R"(.000000Z","x_axis_value":3.25,"metadata":{}})",
      input_));
}

TEST_F(UploadTest, TimestampFormsAreNormalisedToUtcMicroseconds) {
  struct Case {
    std::string sent;
    std::string echoed;
  };
  const std::vector<Case> cases = {
      {"2020-10-13T14:02:39.489Z", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13 14:02:39.489Z", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13T16:02:39.489+02:00", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13T09:32:39.489-04:30", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13T14:02:39.489", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13 14:02:39.489", "2020-10-13T14:02:39.489000Z"},
      {"2020-10-13T14:02:39Z", "2020-10-13T14:02:39.000000Z"},
      {"2020-10-13T14:02:39.123456789Z", "2020-10-13T14:02:39.123456Z"},
      {"2020-10-13T14:02:39.999999999Z", "2020-10-13T14:02:39.999999Z"},
      {"2020-10-14T00:30:00+01:00", "2020-10-13T23:30:00.000000Z"},
      {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"},
      {"9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sent);
    EXPECT_TRUE(IsCreated(Upload(SingleBody(Attributes("1", c.sent), input_)),
                          R"({"value":"1","timestamp":")" + c.echoed + "\"}", input_));
  }
}

TEST_F(UploadTest, RepostingTheSameTimestampReplacesTheReadingAndKeepsItsId) {
  std::string first_id;
  ASSERT_TRUE(IsCreated(
      Upload(SingleBody(R"({"value":1,"timestamp":"2020-10-13T14:02:39.489Z","latitude":1,)"
                        R"("longitude":2,"x_axis_value":"x","metadata":{"a":1}})",
                        input_)),
      R"({"value":"1","timestamp":"2020-10-13T14:02:39.489000Z","latitude":"1",)"
      R"("longitude":"2","x_axis_value":"x","metadata":{"a":1}})",
      input_, &first_id));

  // The same instant, written differently, with fewer attributes.
  std::string second_id;
  EXPECT_TRUE(
      IsCreated(Upload(SingleBody(Attributes("2", "2020-10-13T16:02:39.489+02:00"), input_)),
                R"({"value":"2","timestamp":"2020-10-13T14:02:39.489000Z"})", input_, &second_id));
  EXPECT_EQ(second_id, first_id);

  EXPECT_EQ(CountReadings(db_, input_), 1);
  auto stored = FindReading(db_, input_, 1602597759489000);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(std::to_string(stored->id), first_id);
  EXPECT_EQ(stored->value, 2);
  EXPECT_FALSE(stored->latitude.has_value());
  EXPECT_FALSE(stored->longitude.has_value());
  EXPECT_FALSE(stored->x_axis_value.has_value());
  EXPECT_FALSE(stored->metadata.has_value());

  // Another instant is another reading with another id.
  std::string third_id;
  EXPECT_TRUE(IsCreated(Upload(SingleBody(Attributes("3", "2020-10-13T14:02:39.490Z"), input_)),
                        R"({"value":"3","timestamp":"2020-10-13T14:02:39.490000Z"})", input_,
                        &third_id));
  EXPECT_NE(third_id, first_id);
  EXPECT_EQ(CountReadings(db_, input_), 2);
}

// ---- Errors: each with its status and the exact pointer -----------------

struct BadBody {
  std::string what;
  std::string body;
  int status;
  std::string pointer;
};

class UploadErrorTest : public ServerTest {
 protected:
  // Uploads each body, expects its error, and that nothing was stored.
  void ExpectRejected(const std::vector<BadBody>& cases) {
    for (const BadBody& c : cases) {
      SCOPED_TRACE(c.what + ": " + c.body.substr(0, 300));
      EXPECT_TRUE(IsError(Upload(c.body), c.status, c.pointer));
    }
    EXPECT_EQ(CountReadings(db_, input_), 0) << "a rejected upload stored something";
  }
  std::string Body(const std::string& attributes) { return SingleBody(attributes, input_); }
};

TEST_F(UploadErrorTest, MissingOrBadValueIs400AtTheValue) {
  const std::string ts = kSampleTimestamp;
  ExpectRejected({
      {"missing value", Body(R"({"timestamp":")" + ts + "\"}"), 400, "/data/attributes/value"},
      {"value abc", Body(Attributes(R"("abc")", ts)), 400, "/data/attributes/value"},
      {"value NaN", Body(Attributes(R"("NaN")", ts)), 400, "/data/attributes/value"},
      {"value Infinity", Body(Attributes(R"("Infinity")", ts)), 400, "/data/attributes/value"},
      {"value 1e400 as string", Body(Attributes(R"("1e400")", ts)), 400, "/data/attributes/value"},
      {"value with spaces", Body(Attributes(R"(" 12.5")", ts)), 400, "/data/attributes/value"},
      {"value hex", Body(Attributes(R"("0x10")", ts)), 400, "/data/attributes/value"},
      {"value empty string", Body(Attributes(R"("")", ts)), 400, "/data/attributes/value"},
      {"value null", Body(Attributes("null", ts)), 400, "/data/attributes/value"},
      {"value true", Body(Attributes("true", ts)), 400, "/data/attributes/value"},
      {"value object", Body(Attributes("{}", ts)), 400, "/data/attributes/value"},
  });
}

TEST_F(UploadErrorTest, MissingOrBadTimestampIs400AtTheTimestamp) {
  const std::string p = "/data/attributes/timestamp";
  ExpectRejected({
      {"missing timestamp", Body(R"({"value":"12.5"})"), 400, p},
      {"epoch number", Body(R"({"value":"12.5","timestamp":1602597759})"), 400, p},
      {"epoch string", Body(Attributes("1", "1602597759")), 400, p},
      {"date only", Body(Attributes("1", "2020-10-13")), 400, p},
      {"not a date", Body(Attributes("1", "yesterday")), 400, p},
      {"month 13", Body(Attributes("1", "2020-13-13T14:02:39Z")), 400, p},
      {"year 0", Body(Attributes("1", "0000-10-13T14:02:39Z")), 400, p},
      {"null", Body(R"({"value":"12.5","timestamp":null})"), 400, p},
  });
}

TEST_F(UploadErrorTest, CoordinatesOutOfRangeAre400AtTheCoordinate) {
  const std::string ts = kSampleTimestamp;
  ExpectRejected({
      {"latitude 91", Body(R"({"value":1,"timestamp":")" + ts + R"(","latitude":91})"), 400,
       "/data/attributes/latitude"},
      {"latitude -90.5", Body(R"({"value":1,"timestamp":")" + ts + R"(","latitude":"-90.5"})"), 400,
       "/data/attributes/latitude"},
      {"longitude 181", Body(R"({"value":1,"timestamp":")" + ts + R"(","longitude":181})"), 400,
       "/data/attributes/longitude"},
      {"longitude abc", Body(R"({"value":1,"timestamp":")" + ts + R"(","longitude":"abc"})"), 400,
       "/data/attributes/longitude"},
  });
}

TEST_F(UploadErrorTest, UnknownOrDuplicateAttributeIs400AtThatAttribute) {
  const std::string ts = kSampleTimestamp;
  ExpectRejected({
      {"unknown attribute", Body(R"({"value":1,"timestamp":")" + ts + R"(","colour":"red"})"), 400,
       "/data/attributes/colour"},
      {"duplicate value", Body(R"({"value":1,"value":2,"timestamp":")" + ts + "\"}"), 400,
       "/data/attributes/value"},
      {"metadata not an object", Body(R"({"value":1,"timestamp":")" + ts + R"(","metadata":[1]})"),
       400, "/data/attributes/metadata"},
  });
}

TEST_F(UploadErrorTest, RepeatedNameInsideMetadataIs400AtTheRepeat) {
  const std::string ts = kSampleTimestamp;
  auto with_metadata = [&](const std::string& metadata) {
    return Body(R"({"value":1,"timestamp":")" + ts + R"(","metadata":)" + metadata + "}");
  };
  // Past 16 names the repeat is found by sorting, with the same answer.
  std::string many = "{";
  for (int i = 0; i < 40; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  ExpectRejected({
      {"top level", with_metadata(R"({"room":"a","floor":2,"room":"b"})"), 400,
       "/data/attributes/metadata/room"},
      {"nested", with_metadata(R"({"site":{"room":1,"room":2}})"), 400,
       "/data/attributes/metadata/site/room"},
      {"inside an array", with_metadata(R"({"tags":[{"x":1},{"y":1,"y":1}]})"), 400,
       "/data/attributes/metadata/tags/1/y"},
      {"escaped spelling", with_metadata(R"({"a":1,"\u0061":2})"), 400,
       "/data/attributes/metadata/a"},
      {"among many", with_metadata(many + R"("k7":0})"), 400, "/data/attributes/metadata/k7"},
  });
  // The same name in different objects is fine, and stored as sent.
  const std::string fine = R"({"a":{"x":1},"b":{"x":1}})";
  HttpResponse response = Upload(with_metadata(fine));
  EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(UploadErrorTest, WrongDataTypeIs409AndWrongIdsAre400) {
  const std::string attributes = Attributes("1", kSampleTimestamp);
  const std::string rel = R"("relationships":{"sensor":{"data":{"type":"Sensor","id":")";
  ExpectRejected({
      {"type Other", R"({"data":{"type":"Other","attributes":)" + attributes + "}}", 409,
       "/data/type"},
      {"id 123", R"({"data":{"type":"SensorData","id":"123","attributes":)" + attributes + "}}",
       400, "/data/id"},
      {"relationship names another input",
       R"({"data":{"type":"SensorData","attributes":)" + attributes + "," + rel +
           R"(senzzzzzzzzzz"}}}}})",
       400, "/data/relationships/sensor/data/id"},
      {"relationship type not Sensor",
       R"({"data":{"type":"SensorData","attributes":)" + attributes +
           R"(,"relationships":{"sensor":{"data":{"type":"Asset","id":")" + input_ + R"("}}}}})",
       400, "/data/relationships/sensor/data/type"},
      {"missing attributes", R"({"data":{"type":"SensorData"}})", 400, "/data/attributes"},
      {"unknown resource member",
       R"({"data":{"type":"SensorData","attributes":)" + attributes + R"(,"extra":1}})", 400,
       "/data/extra"},
  });
}

TEST_F(UploadErrorTest, MalformedDocumentsAre400) {
  const std::string resource = Resource(Attributes("1", kSampleTimestamp), input_);
  ExpectRejected({
      {"invalid JSON", R"({"data":{"type":"SensorData",)", 400, ""},
      {"empty body", "", 400, ""},
      {"body an array", "[" + resource + "]", 400, ""},
      {"body a string", R"("hello")", 400, ""},
      {"no data", R"({"meta":{}})", 400, "/data"},
      {"data a string", R"({"data":"x"})", 400, "/data"},
      {"duplicate data member", R"({"data":)" + resource + R"(,"data":)" + resource + "}", 400,
       "/data"},
      {"invalid UTF-8 in a string",
       SingleBody(R"({"value":1,"timestamp":")" + std::string(kSampleTimestamp) +
                      "\",\"metadata\":{\"name\":\"caf\xC3\x28\"}}",
                  input_),
       400, ""},
  });
}

TEST_F(UploadErrorTest, MissingOrTextPlainContentTypeIs415) {
  Headers no_type = {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}};
  EXPECT_TRUE(IsError(Upload(ReferenceSampleBody(input_), no_type), 415));
  EXPECT_TRUE(IsError(Upload(ReferenceSampleBody(input_), UploadHeaders(org_, "text/plain")), 415));
  EXPECT_TRUE(IsError(
      Upload(ReferenceSampleBody(input_), UploadHeaders(org_, "application/x-www-form-urlencoded")),
      415));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(UploadErrorTest, SingleObjectBodyOverOneMebibyteIs413) {
  // Valid JSON, one reading, padded with whitespace past 1 MiB.
  const std::string body = R"({"data":)" + Resource(Attributes("1", kSampleTimestamp), input_) +
                           std::string(1024 * 1024, ' ') + "}";
  EXPECT_TRUE(IsError(Upload(body), 413));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(UploadErrorTest, MetadataOver64KibIs400AtTheMetadata) {
  const std::string body =
      SingleBody(R"({"value":1,"timestamp":")" + std::string(kSampleTimestamp) +
                     R"(","metadata":{"pad":")" + std::string(70 * 1024, 'x') + R"("}})",
                 input_);
  EXPECT_TRUE(IsError(Upload(body), 400, "/data/attributes/metadata"));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(UploadErrorTest, ContentLengthOver16MibIs413BeforeTheBodyIsSent) {
  HttpClient client(server_->port());
  client.Write("POST " + UploadTarget(input_) +
               " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/vnd.api+json\r\n"
               "organization-id: " +
               org_.id + "\r\norganization-api-key: " + org_.api_key +
               "\r\nContent-Length: 16777217\r\n\r\n");
  // No body follows: the server must answer from the head alone.
  HttpResponse response = client.ReadResponse();
  EXPECT_TRUE(IsError(response, 413));
  EXPECT_FALSE(response.keep_alive);
}

// ---- Batches ------------------------------------------------------------

std::vector<std::string> BatchAttributes(size_t count, int64_t first_second = 0) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    out.push_back(Attributes(std::to_string(i), TimestampAt(first_second + i)));
  }
  return out;
}

TEST_F(UploadTest, BatchIsStoredWholeAndAnsweredWithItsCount) {
  HttpResponse response = Upload(BatchBody(BatchAttributes(25), input_));
  EXPECT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.Header("content-type"), kJsonApi);
  EXPECT_TRUE(JsonEquals(response.body, R"({"meta":{"count":25}})"));
  EXPECT_EQ(CountReadings(db_, input_), 25);
  auto stored = FindReading(db_, input_, TimestampMicrosAt(17));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->value, 17);
}

TEST_F(UploadTest, BatchWithOneBadElementIsRejectedWhole) {
  std::vector<std::string> attributes = BatchAttributes(30);
  attributes[17] = Attributes(R"("abc")", TimestampAt(17));
  EXPECT_TRUE(IsError(Upload(BatchBody(attributes, input_)), 400, "/data/17/attributes/value"));
  EXPECT_EQ(CountReadings(db_, input_), 0);

  // A wrong relationship in one element names that element too.
  attributes = BatchAttributes(30);
  std::string body = BatchBody(attributes, input_);
  const std::string needle = R"("id":")" + input_ + "\"";
  size_t at = 0;
  for (int i = 0; i <= 4; ++i) at = body.find(needle, at + 1);
  body.replace(at, needle.size(), R"("id":"senother00000")");
  EXPECT_TRUE(IsError(Upload(body), 400, "/data/4/relationships/sensor/data/id"));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(UploadTest, BatchThatWouldReplaceStoredReadingsChangesNothingWhenRejected) {
  ASSERT_EQ(Upload(BatchBody(BatchAttributes(3), input_)).status, 201);
  std::vector<std::string> attributes = {Attributes("100", TimestampAt(0)),
                                         Attributes("101", TimestampAt(1)),
                                         Attributes(R"("NaN")", TimestampAt(2))};
  EXPECT_TRUE(IsError(Upload(BatchBody(attributes, input_)), 400, "/data/2/attributes/value"));
  EXPECT_EQ(CountReadings(db_, input_), 3);
  EXPECT_EQ(FindReading(db_, input_, TimestampMicrosAt(0))->value, 0);
  EXPECT_EQ(FindReading(db_, input_, TimestampMicrosAt(1))->value, 1);
}

TEST_F(UploadTest, EmptyBatchIs400AtData) {
  EXPECT_TRUE(IsError(Upload(R"({"data":[]})"), 400, "/data"));
}

TEST_F(UploadTest, BatchOfMoreThan10000Is400AtDataAnd10000IsStored) {
  EXPECT_TRUE(IsError(Upload(BatchBody(BatchAttributes(10'001), input_)), 400, "/data"));
  EXPECT_EQ(CountReadings(db_, input_), 0);
  HttpResponse response = Upload(BatchBody(BatchAttributes(10'000), input_));
  EXPECT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(JsonEquals(response.body, R"({"meta":{"count":10000}})"));
  EXPECT_EQ(CountReadings(db_, input_), 10'000);
}

TEST_F(UploadTest, DuplicateTimestampsInABatchLastOneWins) {
  std::vector<std::string> attributes = {
      Attributes("1", TimestampAt(0)),
      R"({"value":2,"timestamp":")" + TimestampAt(0) + R"(","latitude":5})",
      Attributes("3", TimestampAt(1)),
      // The same instant as the first two, written with an offset.
      Attributes("4", "2021-03-01T02:00:00+02:00"),
  };
  HttpResponse response = Upload(BatchBody(attributes, input_));
  EXPECT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(JsonEquals(response.body, R"({"meta":{"count":4}})"));
  EXPECT_EQ(CountReadings(db_, input_), 2);
  auto first = FindReading(db_, input_, TimestampMicrosAt(0));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->value, 4);
  EXPECT_FALSE(first->latitude.has_value());
}

TEST_F(UploadTest, BatchBodyOver1MibIsAccepted) {
  // Only a single-object body is capped at 1 MiB.
  std::vector<std::string> attributes;
  const std::string pad(1000, 'p');
  for (int i = 0; i < 1500; ++i) {
    attributes.push_back(R"({"value":1,"timestamp":")" + TimestampAt(i) +
                         R"(","metadata":{"pad":")" + pad + R"("}})");
  }
  const std::string body = BatchBody(attributes, input_);
  ASSERT_GT(body.size(), 1024u * 1024u);
  HttpResponse response = Upload(body);
  EXPECT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(CountReadings(db_, input_), 1500);
}

}  // namespace
}  // namespace dc::testing
