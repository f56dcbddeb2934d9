// The operator's routes against the real server: /healthz, /readyz and
// /metrics (docs/operations.md, "Health and metrics"). The scraped text is
// checked by Prometheus's own promtool, which must be installed
// (scripts/install-deps): without it these tests fail.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

constexpr char kPrometheusText[] = "text/plain; version=0.0.4; charset=utf-8";

// The value of the sample line `series VALUE` in `text`, or "" if absent.
std::string SampleValue(const std::string& text, const std::string& series) {
  const std::string wanted = series + " ";
  size_t at = text.rfind("\n" + wanted);  // never the first line: that is a # HELP
  if (at == std::string::npos) return "";
  at += 1 + wanted.size();
  return text.substr(at, text.find('\n', at) - at);
}

struct ToolResult {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` with `text` on its stdin.
ToolResult PromtoolCheck(const std::string& text, const std::string& dir) {
  const std::string path = dir + "/scraped.prom";
  std::ofstream(path, std::ios::binary) << text;
  ToolResult result;
  FILE* pipe = popen(("promtool check metrics < '" + path + "' 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

using OpsTest = ServerTest;

TEST_F(OpsTest, HealthzSaysOkWithoutCredentials) {
  HttpClient client(server_->port());
  HttpResponse response = client.Request("GET", "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
  EXPECT_EQ(response.Header("content-type"), "application/json");
  EXPECT_EQ(response.Header("cache-control"), "no-store");
  EXPECT_EQ(client.Request("HEAD", "/healthz").status, 200);
}

TEST_F(OpsTest, ReadyzSaysReadyWhenTheStoreAnswers) {
  HttpClient client(server_->port());
  HttpResponse response = client.Request("GET", "/readyz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ready"})");
  EXPECT_EQ(response.Header("content-type"), "application/json");
  EXPECT_EQ(response.Header("cache-control"), "no-store");
}

TEST_F(OpsTest, MetricsCountWhatWasStoredAndPassPromtool) {
  ASSERT_EQ(Upload(SingleBody(Attributes("1", TimestampAt(1)), input_)).status, 201);
  ASSERT_EQ(Upload(BatchBody({Attributes("2", TimestampAt(2)), Attributes("3", TimestampAt(3)),
                              Attributes("4", TimestampAt(4))},
                             input_))
                .status,
            201);
  HttpClient client(server_->port());
  HttpResponse response = client.Request("GET", "/metrics");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.Header("content-type"), kPrometheusText);
  const std::string& text = response.body;

  EXPECT_EQ(SampleValue(text, "datacooee_readings_stored_total"), "4") << text;
  const std::string commits = SampleValue(text, "datacooee_ingest_commits_total");
  EXPECT_TRUE(commits == "1" || commits == "2") << commits;
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_commit_readings_count"), commits);
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_commit_duration_seconds_count"), commits);
  // --sync full (the default): every commit's log append was fsynced.
  EXPECT_EQ(SampleValue(text, "datacooee_store_sync_duration_seconds_count"), commits);
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_failures_total"), "0");
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_queue_readings"), "0");
  EXPECT_EQ(SampleValue(text, R"(datacooee_build_info{version="0.1.0"})"), "1");
  // This scrape's own connection is open.
  EXPECT_GE(std::stoi("0" + SampleValue(text, "datacooee_http_open_connections")), 1) << text;
  EXPECT_GT(std::stod("0" + SampleValue(text, "datacooee_store_size_bytes")), 4096) << text;
  EXPECT_NE(text.find("# TYPE datacooee_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE datacooee_http_request_duration_seconds histogram\n"),
            std::string::npos);

  const ToolResult check = PromtoolCheck(text, dir_.path());
  EXPECT_EQ(check.exit_code, 0) << "promtool check metrics:\n" << check.output;
  EXPECT_EQ(check.output.find("error"), std::string::npos) << check.output;
}

// Needs the per-request hook: the HTTP session calling
// ServerMetrics::RecordRequest for every answered request. Enable once it
// is wired.
TEST_F(OpsTest, MetricsCountRequestsByRouteMethodAndStatus) {
  ASSERT_EQ(Upload(SingleBody(Attributes("1", TimestampAt(1)), input_)).status, 201);
  ASSERT_EQ(Upload(SingleBody(Attributes("2", TimestampAt(2)), input_)).status, 201);
  ASSERT_EQ(Upload(SingleBody(Attributes("2", TimestampAt(2)), input_), {}).status, 401);
  HttpClient client(server_->port());
  EXPECT_EQ(client.Request("GET", "/no/such/path").status, 404);
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
  HttpResponse response = client.Request("GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  const std::string& text = response.body;
  const std::string upload = "/api/external/v1/inputs/{input_pk}/inputdata";
  EXPECT_EQ(SampleValue(text, "datacooee_http_requests_total{route=\"" + upload +
                                  "\",method=\"POST\",status=\"201\"}"),
            "2")
      << text;
  EXPECT_EQ(SampleValue(text, "datacooee_http_requests_total{route=\"" + upload +
                                  "\",method=\"POST\",status=\"401\"}"),
            "1");
  EXPECT_EQ(
      SampleValue(text,
                  R"(datacooee_http_requests_total{route="unmatched",method="GET",status="404"})"),
      "1");
  EXPECT_EQ(
      SampleValue(text, "datacooee_http_request_duration_seconds_count{route=\"" + upload + "\"}"),
      "3");
  // The ops routes are not API requests.
  EXPECT_EQ(text.find("route=\"/healthz\""), std::string::npos);
  EXPECT_EQ(text.find("route=\"/metrics\""), std::string::npos);
  const ToolResult check = PromtoolCheck(text, dir_.path());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

class OpsTokenTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--metrics-token", "s3cret-token"};
  }
};

TEST_F(OpsTokenTest, MetricsNeedTheBearerTokenWhenOneIsSet) {
  HttpClient client(server_->port());
  HttpResponse none = client.Request("GET", "/metrics");
  EXPECT_TRUE(IsError(none, 401));
  EXPECT_EQ(none.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(none.body.find("datacooee_"), std::string::npos);

  for (const std::string& wrong :
       {std::string("Bearer s3cret"), std::string("Bearer s3cret-token-and-more"),
        std::string("Basic czNjcmV0LXRva2Vu"), std::string("s3cret-token")}) {
    SCOPED_TRACE(wrong);
    HttpResponse refused = client.Request("GET", "/metrics", {{"Authorization", wrong}});
    EXPECT_TRUE(IsError(refused, 401));
    EXPECT_EQ(refused.Header("www-authenticate"), "Bearer");
  }

  HttpResponse allowed =
      client.Request("GET", "/metrics", {{"Authorization", "Bearer s3cret-token"}});
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.Header("content-type"), kPrometheusText);
  EXPECT_NE(allowed.body.find("datacooee_build_info"), std::string::npos);
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_EQ(client.Request("GET", "/metrics", {{"authorization", "bearer s3cret-token"}}).status,
            200);
  // Health checks stay open: probes carry no token.
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
  EXPECT_EQ(client.Request("GET", "/readyz").status, 200);
}

}  // namespace
}  // namespace dc::testing
