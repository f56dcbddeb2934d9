#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "metrics/counter.h"
#include "metrics/histogram.h"
#include "metrics/registry.h"
#include "metrics/request_metrics.h"

namespace dc::metrics {

// What the ingest writer records, per group commit. Borrowed from
// ServerMetrics.
struct IngestMetrics {
  Counter& readings_stored;    // datacooee_readings_stored_total
  Counter& commits;            // datacooee_ingest_commits_total
  Counter& failures;           // datacooee_ingest_failures_total: uploads refused by the store
  Histogram& commit_readings;  // datacooee_ingest_commit_readings
  Histogram& commit_seconds;   // datacooee_ingest_commit_duration_seconds
};

// ServerMetrics is the server's set of metrics (docs/operations.md, "Health
// and metrics", lists them): it creates them in its Registry and hands each
// layer what it records into. Recording is lock-free and allocation-free.
//
// Thread-safe, except CountRoutes(), which must run before the server
// serves. Owns every metric; the references it hands out live as long as
// it does.
class ServerMetrics {
 public:
  // Values computed when /metrics is scraped (on an I/O thread: quick, and
  // thread-safe). An unset probe leaves its gauge without a sample.
  struct Probes {
    std::function<double()> open_connections;  // datacooee_http_open_connections
    std::function<double()> connection_limit;  // datacooee_http_connection_limit
    std::function<double()> queued_readings;   // datacooee_ingest_queue_readings
    std::function<double()> store_size_bytes;  // datacooee_store_size_bytes
  };

  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // The route patterns whose requests are counted (the API's; not the ops
  // routes). Call once, before the first RecordRequest(); until then
  // requests are not counted.
  void CountRoutes(std::span<const std::string> api_routes);

  // Counts one answered request: `route` is the router's pattern of the
  // route that answered, or "" when none matched the path (a 404, counted
  // as route "unmatched"); `method` the method as sent; `status` the HTTP
  // status sent; `duration` from the request's arrival to its answer.
  // Requests of routes not given to CountRoutes() are not counted. Callable
  // from any thread; a few atomic adds, no lock, no allocation.
  void RecordRequest(std::string_view route, std::string_view method, int status,
                     std::chrono::nanoseconds duration);

  IngestMetrics& ingest() { return ingest_; }
  // The fsync of each append to the store's ingest log.
  Histogram& store_sync_seconds() { return store_sync_seconds_; }

  // Replaces the probes. Thread-safe.
  void SetProbes(Probes probes);

  // Every metric in the Prometheus text format 0.0.4.
  std::string Render() const { return registry_.Render(); }
  // For metrics of later features.
  Registry& registry() { return registry_; }

 private:
  void CollectProbes(TextWriter& out) const;

  Registry registry_;
  std::unique_ptr<RequestMetrics> requests_;  // set once by CountRoutes(), before serving
  IngestMetrics ingest_;
  Histogram& store_sync_seconds_;
  mutable std::mutex probes_mu_;
  Probes probes_;  // guarded by probes_mu_
};

}  // namespace dc::metrics
