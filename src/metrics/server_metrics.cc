#include "metrics/server_metrics.h"

#include <utility>

namespace dc::metrics {
namespace {

// Readings per group commit: from one upload alone up to
// IngestOptions::max_readings_per_commit (50,000 by default).
constexpr double kCommitReadingsBounds[] = {1,   2,    5,    10,   20,    50,    100,  200,
                                            500, 1000, 2000, 5000, 10000, 20000, 50000};
// An fsync: tens of microseconds on an SSD with a write cache, milliseconds
// on a disk, seconds when the device stalls.
constexpr double kSyncBounds[] = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
                                  0.001,   0.0025,   0.005,   0.01,   0.025,   0.05,
                                  0.1,     0.25,     0.5,     1,      2.5,     10};

double SecondsSinceEpoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ServerMetrics::ServerMetrics()
    : ingest_{
          .readings_stored = registry_.AddCounter(
              "datacooee_readings_stored_total",
              "Readings stored (acknowledged with 201), new or replacing one at the same "
              "timestamp"),
          .commits = registry_.AddCounter("datacooee_ingest_commits_total",
                                          "Group commits of the ingest writer that succeeded"),
          .failures = registry_.AddCounter(
              "datacooee_ingest_failures_total",
              "Uploads the store refused (answered 503 or 500): disk full, I/O error, ..."),
          .commit_readings =
              registry_.AddHistogram("datacooee_ingest_commit_readings",
                                     "Readings per successful group commit", kCommitReadingsBounds),
          .commit_seconds = registry_.AddHistogram(
              "datacooee_ingest_commit_duration_seconds",
              "Time the store took to make one group commit durable", DurationBounds()),
      },
      store_sync_seconds_(registry_.AddHistogram(
          "datacooee_store_sync_duration_seconds",
          "Time of each durable step of the store: an fsync of SQLite's ingest log (none with "
          "--sync normal), a commit on PostgreSQL", kSyncBounds)) {
  registry_.AddCollector([this](TextWriter& out) {
    if (requests_ != nullptr) requests_->Collect(out);
  });
  registry_.AddCollector([this](TextWriter& out) { CollectProbes(out); });
  registry_
      .AddGaugeFamily("datacooee_build_info", "The version of this datacooee binary, as a label",
                      {"version"})
      .Add({DATACOOEE_VERSION})
      .Set(1);
  registry_.AddGauge("process_start_time_seconds", "When the server started, in Unix seconds")
      .Set(SecondsSinceEpoch());
}

void ServerMetrics::CountRoutes(std::span<const std::string> api_routes) {
  requests_ = std::make_unique<RequestMetrics>(api_routes);
}

void ServerMetrics::RecordRequest(std::string_view route, std::string_view method, int status,
                                  std::chrono::nanoseconds duration) {
  if (requests_ != nullptr) requests_->Record(route, method, status, duration);
}

void ServerMetrics::SetProbes(Probes probes) {
  std::lock_guard lock(probes_mu_);
  probes_ = std::move(probes);
}

void ServerMetrics::CollectProbes(TextWriter& out) const {
  std::lock_guard lock(probes_mu_);
  const struct {
    const char* name;
    const char* help;
    const std::function<double()>& probe;
  } gauges[] = {
      {"datacooee_http_open_connections", "Open client connections", probes_.open_connections},
      {"datacooee_http_connection_limit",
       "Connections the server holds at most: --max-connections, or fewer when the open-file "
       "limit leaves less room",
       probes_.connection_limit},
      {"datacooee_ingest_queue_readings",
       "Readings of accepted uploads waiting for the ingest writer", probes_.queued_readings},
      {"datacooee_store_size_bytes",
       "Bytes of the store's files on disk: the database, its write-ahead log and the ingest log",
       probes_.store_size_bytes},
  };
  for (const auto& gauge : gauges) {
    out.Family(gauge.name, gauge.help, MetricType::kGauge);
    if (gauge.probe) out.Sample(gauge.name, std::span<const Label>(), gauge.probe());
  }
}

}  // namespace dc::metrics
