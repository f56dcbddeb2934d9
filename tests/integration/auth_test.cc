// Credentials, ownership and the order of the upload's checks (docs/api.md
// "Authentication", "Order of checks").

#include <string>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

constexpr char kSampleAttributes[] =
    R"({"timestamp":"2020-10-13T14:02:39.489000Z","value":"12.5"})";

class AuthTest : public ServerTest {
 protected:
  HttpResponse UploadTo(const std::string& input, const Headers& headers, const std::string& body) {
    HttpClient client(server_->port());
    return client.Request("POST", UploadTarget(input), headers, body);
  }
};

// Replaces every occurrence of `id` in `text` with "{id}".
std::string WithoutId(std::string text, const std::string& id) {
  for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at)) {
    text.replace(at, id.size(), "{id}");
  }
  return text;
}

TEST_F(AuthTest, MissingOrganisationHeaderIs401) {
  HttpResponse response =
      Upload(ReferenceSampleBody(input_),
             {{"content-type", kJsonApi}, {"organization-api-key", org_.api_key}});
  EXPECT_TRUE(IsError(response, 401));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(AuthTest, MissingKeyHeaderIs401) {
  HttpResponse response = Upload(ReferenceSampleBody(input_),
                                 {{"content-type", kJsonApi}, {"organization-id", org_.id}});
  EXPECT_TRUE(IsError(response, 401));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(AuthTest, EmptyCredentialsAre401) {
  EXPECT_TRUE(IsError(
      Upload(ReferenceSampleBody(input_),
             {{"content-type", kJsonApi}, {"organization-id", ""}, {"organization-api-key", ""}}),
      401));
}

TEST_F(AuthTest, WrongKeyAndUnknownOrganisationGetTheSame401) {
  OrgInfo wrong_key = org_;
  wrong_key.api_key[0] = wrong_key.api_key[0] == 'a' ? 'b' : 'a';
  HttpResponse bad_key = Upload(ReferenceSampleBody(input_), UploadHeaders(wrong_key));
  EXPECT_TRUE(IsError(bad_key, 401));

  OrgInfo unknown = org_;
  unknown.id = "bm9ib2R5IGhhcyB0aGlzIG9yZ2FuaXNhdGlvbiBpZA==";
  HttpResponse bad_org = Upload(ReferenceSampleBody(input_), UploadHeaders(unknown));
  EXPECT_TRUE(IsError(bad_org, 401));
  EXPECT_EQ(bad_key.body, bad_org.body) << "the answer reveals which organisations exist";
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(AuthTest, KeyOfAnotherOrganisationIs401) {
  const OrgInfo other = CreateOrg(db_, "Other");
  OrgInfo mixed = org_;
  mixed.api_key = other.api_key;
  EXPECT_TRUE(IsError(Upload(ReferenceSampleBody(input_), UploadHeaders(mixed)), 401));
}

TEST_F(AuthTest, HeaderNamesAreCaseInsensitiveAndMayUseUnderscores) {
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"organization-id", "organization-api-key"},
      {"Organization-Id", "Organization-Api-Key"},
      {"ORGANIZATION-ID", "ORGANIZATION-API-KEY"},
      {"ORGANIZATION_ID", "ORGANIZATION_API_KEY"},
      {"organization_id", "organization_api_key"},
      {"ORGANIZATION_ID", "ORGANIZATION-API-KEY"},  // as the reference's own text mixes them
  };
  for (const auto& [id_name, key_name] : spellings) {
    SCOPED_TRACE(id_name + " / " + key_name);
    HttpResponse response =
        Upload(ReferenceSampleBody(input_),
               {{"Content-Type", kJsonApi}, {id_name, org_.id}, {key_name, org_.api_key}});
    EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
  }
}

// A credential sent twice with different values is ambiguous: 400 naming
// the header, never "the first one wins" (docs/api.md "Authentication").
// The right value comes first each time, so answering from it would be 201.
TEST_F(AuthTest, CredentialSentTwiceWithDifferentValuesIs400NamingTheHeader) {
  const OrgInfo other = CreateOrg(db_, "Other");
  struct Case {
    Headers credentials;
    std::string named;
  };
  const std::vector<Case> cases = {
      {{{"organization-id", org_.id},
        {"organization-id", other.id},
        {"organization-api-key", org_.api_key}},
       "organization-id"},
      {{{"Organization-Id", org_.id},
        {"ORGANIZATION_ID", other.id},
        {"organization-api-key", org_.api_key}},
       "organization-id"},
      {{{"organization-id", org_.id},
        {"organization-api-key", org_.api_key},
        {"organization-api-key", other.api_key}},
       "organization-api-key"},
      {{{"organization_id", org_.id},
        {"organization_api_key", org_.api_key},
        {"Organization-Api-Key", "x"}},
       "organization-api-key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.named);
    Headers headers = c.credentials;
    headers.emplace_back("Content-Type", kJsonApi);
    EXPECT_TRUE(
        IsHeaderError(UploadTo(input_, headers, ReferenceSampleBody(input_)), 400, c.named));
    HttpClient client(server_->port());
    EXPECT_TRUE(IsHeaderError(
        client.Request("GET", "/api/external/v1/get_inputdata_by_inputs?input_ids=" + input_,
                       c.credentials),
        400, c.named));
  }
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(AuthTest, CredentialSentTwiceWithTheSameValueIsOneCredential) {
  HttpResponse response = UploadTo(input_,
                                   {{"Content-Type", kJsonApi},
                                    {"organization-id", org_.id},
                                    {"ORGANIZATION_ID", org_.id},
                                    {"organization-api-key", org_.api_key},
                                    {"organization-api-key", org_.api_key}},
                                   ReferenceSampleBody(input_));
  EXPECT_TRUE(IsCreated(response, kSampleAttributes, input_));
}

TEST_F(AuthTest, InputOfAnotherOrganisationLooksExactlyLikeAMissingInput) {
  const OrgInfo other = CreateOrg(db_, "Other");
  const std::string foreign = CreateInput(db_, other.id);
  const std::string missing = "senmissing000";
  // The running server picks up the new input within a second; until then
  // a 404 would prove nothing, so first see the owner upload succeed. (A
  // wait, not the promise: cli_test checks that; 10 s only caps it.)
  ASSERT_TRUE(PollUntil(std::chrono::milliseconds(10'000), [&] {
    return UploadTo(foreign, UploadHeaders(other), ReferenceSampleBody(foreign)).status == 201;
  }));

  HttpResponse foreign_response =
      UploadTo(foreign, UploadHeaders(org_), ReferenceSampleBody(foreign));
  HttpResponse missing_response =
      UploadTo(missing, UploadHeaders(org_), ReferenceSampleBody(missing));
  EXPECT_TRUE(IsError(foreign_response, 404));
  EXPECT_TRUE(IsError(missing_response, 404));
  EXPECT_EQ(WithoutId(foreign_response.body, foreign), WithoutId(missing_response.body, missing));
  EXPECT_EQ(CountReadings(db_, foreign), 1) << "only the owner's upload is stored";
}

TEST_F(AuthTest, InputFedByMqttRefusesHttpUploadsWith403) {
  const std::string mqtt = CreateInput(db_, org_.id, "MQTT");
  HttpResponse response;
  // Until the server has seen the new input it is 404 (a wait, as above).
  ASSERT_TRUE(PollUntil(std::chrono::milliseconds(10'000), [&] {
    response = UploadTo(mqtt, UploadHeaders(org_), ReferenceSampleBody(mqtt));
    return response.status != 404;
  }));
  EXPECT_TRUE(IsError(response, 403));
  EXPECT_EQ(CountReadings(db_, mqtt), 0);
}

// ---- Order of checks: each request fails several, the first wins ------

class CheckOrderTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    mqtt_ = CreateInput(db_, org_.id, "MQTT");
    // Restart so the MQTT input is known without waiting for the poll.
    server_.reset();
    server_ = std::make_unique<ServerProcess>(db_);
  }

  // Sends one request on a new connection. A Content-Length in `headers`
  // is sent as given, even if `body` is shorter (the server must answer
  // from the head).
  HttpResponse Send(const std::string& method, const std::string& target, const Headers& headers,
                    const std::string& body = "") {
    HttpClient client(server_->port());
    return client.Request(method, target, headers, body);
  }

  std::string mqtt_;
};

TEST_F(CheckOrderTest, UnknownRouteWinsOverEverything) {
  HttpResponse response = Send("PUT", "/api/external/v1/inputs/" + input_ + "/nothing/",
                               {{"content-type", "text/plain"}, {"Content-Length", "20000000"}});
  EXPECT_TRUE(IsError(response, 404));
}

TEST_F(CheckOrderTest, WrongMethodWinsOverCredentialsAndSize) {
  for (const std::string method : {"GET", "PUT", "DELETE", "PATCH"}) {
    SCOPED_TRACE(method);
    HttpResponse response = Send(method, UploadTarget("senmissing000"),
                                 {{"content-type", "text/plain"}, {"Content-Length", "20000000"}});
    EXPECT_TRUE(IsError(response, 405));
    EXPECT_EQ(response.Header("allow"), "POST");
  }
}

TEST_F(CheckOrderTest, MissingCredentialsWinOverMissingInputMediaTypeAndSize) {
  HttpResponse response = Send("POST", UploadTarget("senmissing000"),
                               {{"content-type", "text/plain"}, {"Content-Length", "20000000"}});
  EXPECT_TRUE(IsError(response, 401));
  // Wrong key on another organisation's (or MQTT) input: still 401.
  OrgInfo wrong = org_;
  wrong.api_key = "0123456789abcdef0123456789abcdef0123";
  response = Send("POST", UploadTarget(mqtt_), UploadHeaders(wrong, "text/plain"), "x");
  EXPECT_TRUE(IsError(response, 401));
}

TEST_F(CheckOrderTest, MissingInputWinsOverMediaTypeAndSize) {
  Headers headers = UploadHeaders(org_, "text/plain");
  headers.emplace_back("Content-Length", "20000000");
  EXPECT_TRUE(IsError(Send("POST", UploadTarget("senmissing000"), headers), 404));
}

TEST_F(CheckOrderTest, MqttInputWinsOverMediaTypeAndSize) {
  Headers headers = UploadHeaders(org_, "text/plain");
  headers.emplace_back("Content-Length", "20000000");
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(mqtt_), headers), 403));
}

TEST_F(CheckOrderTest, MediaTypeWinsOverSize) {
  Headers headers = UploadHeaders(org_, "text/plain");
  headers.emplace_back("Content-Length", "20000000");
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(input_), headers), 415));
  // A missing Content-Type too.
  headers = {{"organization-id", org_.id},
             {"organization-api-key", org_.api_key},
             {"Content-Length", "20000000"}};
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(input_), headers), 415));
}

TEST_F(CheckOrderTest, SizeWinsOverABadBody) {
  // One reading (not a batch) over 1 MiB whose value is also bad.
  const std::string body = R"({"data":)" +
                           Resource(Attributes(R"("abc")", kSampleTimestamp), input_) +
                           std::string(1024 * 1024, ' ') + "}";
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(input_), UploadHeaders(org_), body), 413));

  Headers headers = UploadHeaders(org_);
  headers.emplace_back("Content-Length", "16777217");
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(input_), headers, "{not json"), 413));
  EXPECT_EQ(CountReadings(db_, input_), 0);
}

TEST_F(CheckOrderTest, BodyIsCheckedLast) {
  Headers headers = UploadHeaders(org_);
  headers.emplace_back("Content-Length", "9");
  EXPECT_TRUE(IsError(Send("POST", UploadTarget(input_), headers, "{not json"), 400, ""));
}

}  // namespace
}  // namespace dc::testing
