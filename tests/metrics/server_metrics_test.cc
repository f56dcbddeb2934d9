#include "metrics/server_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace dc::metrics {
namespace {

using std::chrono::microseconds;

const std::vector<std::string> kRoutes = {"/api/x/{id}/data", "/api/get_x"};

// The value of the sample line that starts with `series` + " ", or "".
std::string SampleValue(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "";
  const size_t start = at + series.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

TEST(ServerMetrics, CountsRequestsByRouteMethodAndStatus) {
  ServerMetrics metrics;
  metrics.CountRoutes(kRoutes);
  metrics.RecordRequest("/api/x/{id}/data", "POST", 201, microseconds(300));
  metrics.RecordRequest("/api/x/{id}/data", "POST", 201, microseconds(300));
  metrics.RecordRequest("/api/x/{id}/data", "POST", 503, microseconds(50));
  metrics.RecordRequest("/api/get_x", "GET", 200, microseconds(2000));
  metrics.RecordRequest("", "GET", 404, microseconds(10));
  metrics.RecordRequest("", "BREW", 404, microseconds(10));         // a method no one knows
  metrics.RecordRequest("/healthz", "GET", 200, microseconds(10));  // not an API route

  const std::string text = metrics.Render();
  EXPECT_EQ(
      SampleValue(
          text,
          R"(datacooee_http_requests_total{route="/api/x/{id}/data",method="POST",status="201"})"),
      "2");
  EXPECT_EQ(
      SampleValue(
          text,
          R"(datacooee_http_requests_total{route="/api/x/{id}/data",method="POST",status="503"})"),
      "1");
  EXPECT_EQ(
      SampleValue(text,
                  R"(datacooee_http_requests_total{route="/api/get_x",method="GET",status="200"})"),
      "1");
  EXPECT_EQ(
      SampleValue(text,
                  R"(datacooee_http_requests_total{route="unmatched",method="GET",status="404"})"),
      "1");
  EXPECT_EQ(
      SampleValue(
          text, R"(datacooee_http_requests_total{route="unmatched",method="other",status="404"})"),
      "1");
  EXPECT_EQ(text.find("/healthz"), std::string::npos) << text;
  // The upload route's three requests: 50 µs, 300 µs, 300 µs.
  EXPECT_EQ(
      SampleValue(
          text,
          R"(datacooee_http_request_duration_seconds_bucket{route="/api/x/{id}/data",le="0.0001"})"),
      "1");
  EXPECT_EQ(
      SampleValue(
          text,
          R"(datacooee_http_request_duration_seconds_bucket{route="/api/x/{id}/data",le="0.0005"})"),
      "3");
  EXPECT_EQ(SampleValue(
                text, R"(datacooee_http_request_duration_seconds_count{route="/api/x/{id}/data"})"),
            "3");
}

TEST(ServerMetrics, RendersBuildInfoProbesAndIngestMetrics) {
  ServerMetrics metrics;
  metrics.CountRoutes(kRoutes);
  metrics.ingest().readings_stored.Increment(25);
  metrics.ingest().commits.Increment();
  metrics.ingest().commit_readings.Observe(25);
  metrics.store_sync_seconds().Observe(0.002);
  std::string text = metrics.Render();
  EXPECT_EQ(SampleValue(text, R"(datacooee_build_info{version="0.1.0"})"), "1");
  EXPECT_EQ(SampleValue(text, "datacooee_readings_stored_total"), "25");
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_commits_total"), "1");
  EXPECT_EQ(SampleValue(text, R"(datacooee_ingest_commit_readings_bucket{le="20"})"), "0");
  EXPECT_EQ(SampleValue(text, R"(datacooee_ingest_commit_readings_bucket{le="50"})"), "1");
  EXPECT_EQ(SampleValue(text, "datacooee_store_sync_duration_seconds_count"), "1");
  // No probes yet: the gauges are declared, without a sample.
  EXPECT_NE(text.find("# TYPE datacooee_http_open_connections gauge\n"), std::string::npos);
  EXPECT_EQ(SampleValue(text, "datacooee_http_open_connections"), "");

  metrics.SetProbes({.open_connections = [] { return 3.0; },
                     .connection_limit = [] { return 10000.0; },
                     .queued_readings = [] { return 0.0; },
                     .store_size_bytes = [] { return 123456.0; }});
  text = metrics.Render();
  EXPECT_EQ(SampleValue(text, "datacooee_http_open_connections"), "3");
  EXPECT_EQ(SampleValue(text, "datacooee_http_connection_limit"), "10000");
  EXPECT_EQ(SampleValue(text, "datacooee_ingest_queue_readings"), "0");
  EXPECT_EQ(SampleValue(text, "datacooee_store_size_bytes"), "123456");
}

TEST(ServerMetrics, ConcurrentRecordingLosesNothing) {
  ServerMetrics metrics;
  metrics.CountRoutes(kRoutes);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.RecordRequest("/api/x/{id}/data", "POST", 201, microseconds(100 + i % 1000));
        metrics.ingest().readings_stored.Increment();
      }
    });
  }
  // Scrapes run beside the recording.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(metrics.Render().empty());
  for (std::thread& thread : threads) thread.join();
  const std::string text = metrics.Render();
  const std::string total = std::to_string(kThreads * kPerThread);
  EXPECT_EQ(
      SampleValue(
          text,
          R"(datacooee_http_requests_total{route="/api/x/{id}/data",method="POST",status="201"})"),
      total);
  EXPECT_EQ(SampleValue(
                text, R"(datacooee_http_request_duration_seconds_count{route="/api/x/{id}/data"})"),
            total);
  EXPECT_EQ(SampleValue(text, "datacooee_readings_stored_total"), total);
}

}  // namespace
}  // namespace dc::metrics
