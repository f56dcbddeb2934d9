#include "metrics/text_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace dc::metrics {
namespace {

TEST(TextWriter, WritesHelpAndTypeLinesThenTheSample) {
  std::string text;
  TextWriter out(text);
  out.Family("app_requests_total", "Requests served", MetricType::kCounter);
  out.Sample("app_requests_total", {}, uint64_t{42});
  EXPECT_EQ(text,
            "# HELP app_requests_total Requests served\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total 42\n");
}

TEST(TextWriter, EscapesBackslashAndNewlineInHelp) {
  std::string text;
  TextWriter(text).Family("x", "a\\b\nc \"quoted\"", MetricType::kGauge);
  // Quotes stay as they are in HELP; only label values escape them.
  EXPECT_EQ(text, "# HELP x a\\\\b\\nc \"quoted\"\n# TYPE x gauge\n");
}

TEST(TextWriter, EscapesBackslashQuoteAndNewlineInLabelValues) {
  std::string text;
  TextWriter out(text);
  out.Sample("x", {{"path", "C:\\dir\\\"a\"\nb"}, {"method", "GET"}}, uint64_t{1});
  EXPECT_EQ(text, "x{path=\"C:\\\\dir\\\\\\\"a\\\"\\nb\",method=\"GET\"} 1\n");
}

TEST(TextWriter, WritesSpecialAndShortestDoubles) {
  std::string text;
  AppendValue(text, 0.1);
  text += ' ';
  AppendValue(text, 2.5e-05);
  text += ' ';
  AppendValue(text, 1);
  text += ' ';
  AppendValue(text, 0.0001);
  text += ' ';
  AppendValue(text, 50000);
  text += ' ';
  AppendValue(text, 1e20);
  text += ' ';
  AppendValue(text, std::numeric_limits<double>::infinity());
  text += ' ';
  AppendValue(text, -std::numeric_limits<double>::infinity());
  text += ' ';
  AppendValue(text, std::nan(""));
  EXPECT_EQ(text, "0.1 2.5e-05 1 0.0001 50000 1e+20 +Inf -Inf NaN");
}

TEST(TextWriter, HistogramBucketsAreCumulativeAndEndAtInf) {
  Histogram histogram(std::vector<double>{0.5, 1, 2.5});
  for (double v : {0.1, 0.5, 0.7, 1.0, 3.0, 100.0}) histogram.Observe(v);
  std::string text;
  TextWriter out(text);
  const Label route{"route", "/a"};
  out.Histogram("h_seconds", std::span<const Label>(&route, 1), histogram.Snapshot());
  EXPECT_EQ(text,
            "h_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
            "h_seconds_bucket{route=\"/a\",le=\"1\"} 4\n"
            "h_seconds_bucket{route=\"/a\",le=\"2.5\"} 4\n"
            "h_seconds_bucket{route=\"/a\",le=\"+Inf\"} 6\n"
            "h_seconds_sum{route=\"/a\"} 105.3\n"
            "h_seconds_count{route=\"/a\"} 6\n");
}

TEST(TextWriter, ChecksMetricAndLabelNames) {
  EXPECT_TRUE(IsMetricName("datacooee_http_requests_total"));
  EXPECT_TRUE(IsMetricName("ns:rule_name"));
  EXPECT_FALSE(IsMetricName("9lives"));
  EXPECT_FALSE(IsMetricName("with-dash"));
  EXPECT_FALSE(IsMetricName(""));
  EXPECT_TRUE(IsLabelName("route"));
  EXPECT_FALSE(IsLabelName("__reserved"));
  EXPECT_FALSE(IsLabelName("a:b"));
}

}  // namespace
}  // namespace dc::metrics
