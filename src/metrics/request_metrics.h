#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/histogram.h"
#include "metrics/text_writer.h"

namespace dc::metrics {

// RequestMetrics counts the HTTP requests of a fixed set of routes by
// route, method and status (`datacooee_http_requests_total`) and times them
// by route (`datacooee_http_request_duration_seconds`).
//
// Every (route, method, status) cell exists from the start, in one table,
// so Record() finds its counter by position: a short scan of the routes
// (compared by length first), a switch on the method, the status as an
// index; then three relaxed atomic adds. No lock, no allocation. Cells
// never counted are not rendered; every route's histogram is, from zero.
//
// Methods other than GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS are
// counted as "other", so a client cannot grow the label set; statuses
// outside 100..599 are not counted. A request that matched no route (an
// empty `route`) counts as route "unmatched"; a route not given at
// construction (the ops routes: health checks, /metrics) is not counted.
//
// Thread-safe. Reports no errors.
class RequestMetrics {
 public:
  explicit RequestMetrics(std::span<const std::string> routes);
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  void Record(std::string_view route, std::string_view method, int status,
              std::chrono::nanoseconds duration);

  // Writes both families.
  void Collect(TextWriter& out) const;

  static constexpr std::string_view kUnmatched = "unmatched";

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kStatuses = 500;  // 100..599
  static constexpr size_t kMethods = 8;  // the seven above and "other"

  struct Route {
    explicit Route(std::string pattern);
    std::string pattern;
    Histogram duration;
    // kMethods x kStatuses cells, method-major.
    std::unique_ptr<std::atomic<uint64_t>[]> counts;
  };

  // The route counting `route`, or null.
  Route* Find(std::string_view route);

  std::vector<std::unique_ptr<Route>> routes_;  // immutable after construction; the last unmatched
};

}  // namespace dc::metrics
