#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace dc::metrics {
namespace {

TEST(Registry, RendersEveryKindInTheOrderAdded) {
  Registry registry;
  Counter& uploads = registry.AddCounter("app_uploads_total", "Uploads");
  Gauge& temperature = registry.AddGauge("app_temperature_celsius", "Temperature");
  Histogram& sizes =
      registry.AddHistogram("app_batch_readings", "Batch sizes", std::vector<double>{1, 10});
  uploads.Increment();
  uploads.Increment(2);
  temperature.Set(21.5);
  temperature.Add(-1);
  sizes.Observe(1);
  sizes.Observe(5);
  sizes.Observe(50);
  registry.AddCallbackGauge("app_queue", "Queued", [] { return 7.0; });

  EXPECT_EQ(registry.Render(),
            "# HELP app_uploads_total Uploads\n"
            "# TYPE app_uploads_total counter\n"
            "app_uploads_total 3\n"
            "# HELP app_temperature_celsius Temperature\n"
            "# TYPE app_temperature_celsius gauge\n"
            "app_temperature_celsius 20.5\n"
            "# HELP app_batch_readings Batch sizes\n"
            "# TYPE app_batch_readings histogram\n"
            "app_batch_readings_bucket{le=\"1\"} 1\n"
            "app_batch_readings_bucket{le=\"10\"} 2\n"
            "app_batch_readings_bucket{le=\"+Inf\"} 3\n"
            "app_batch_readings_sum 56\n"
            "app_batch_readings_count 3\n"
            "# HELP app_queue Queued\n"
            "# TYPE app_queue gauge\n"
            "app_queue 7\n");
}

TEST(Registry, FamilyAddReturnsOneSeriesPerLabelValues) {
  Registry registry;
  Family<Counter>& requests =
      registry.AddCounterFamily("app_requests_total", "Requests", {"code", "path"});
  requests.Add({"200", "/a"}).Increment();
  requests.Add({"404", "/a \"quoted\""}).Increment(3);
  requests.Add({"200", "/a"}).Increment();  // the same series again
  EXPECT_EQ(registry.Render(),
            "# HELP app_requests_total Requests\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total{code=\"200\",path=\"/a\"} 2\n"
            "app_requests_total{code=\"404\",path=\"/a \\\"quoted\\\"\"} 3\n");
}

TEST(Registry, HistogramFamilyGivesEachSeriesItsOwnBuckets) {
  Registry registry;
  Family<Histogram>& latency = registry.AddHistogramFamily("app_latency_seconds", "Latency",
                                                           {"route"}, std::vector<double>{0.1});
  latency.Add({"/a"}).Observe(0.05);
  latency.Add({"/b"}).Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP app_latency_seconds Latency\n"
            "# TYPE app_latency_seconds histogram\n"
            "app_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"
            "app_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 1\n"
            "app_latency_seconds_sum{route=\"/a\"} 0.05\n"
            "app_latency_seconds_count{route=\"/a\"} 1\n"
            "app_latency_seconds_bucket{route=\"/b\",le=\"0.1\"} 0\n"
            "app_latency_seconds_bucket{route=\"/b\",le=\"+Inf\"} 1\n"
            "app_latency_seconds_sum{route=\"/b\"} 0.5\n"
            "app_latency_seconds_count{route=\"/b\"} 1\n");
}

TEST(Histogram, CountsAValueOnABoundInThatBucketAndNaNAboveAll) {
  Histogram histogram(std::vector<double>{1, 2});
  histogram.Observe(1);    // le="1" includes 1
  histogram.Observe(1.5);  // le="2"
  histogram.Observe(std::nan(""));
  const HistogramSnapshot snapshot = histogram.Snapshot();
  EXPECT_EQ(snapshot.cumulative, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(snapshot.count, 3u);
}

TEST(Histogram, ObservesDurationsInSeconds) {
  Histogram histogram(DurationBounds());
  histogram.ObserveDuration(std::chrono::microseconds(150));
  const HistogramSnapshot snapshot = histogram.Snapshot();
  EXPECT_EQ(snapshot.cumulative[0], 0u);  // le="0.0001"
  EXPECT_EQ(snapshot.cumulative[1], 1u);  // le="0.00025"
  EXPECT_DOUBLE_EQ(snapshot.sum, 0.00015);
}

}  // namespace
}  // namespace dc::metrics
