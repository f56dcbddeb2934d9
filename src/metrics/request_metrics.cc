#include "metrics/request_metrics.h"

namespace dc::metrics {
namespace {

constexpr std::string_view kMethodNames[] = {"GET",   "HEAD",   "POST",    "PUT",
                                             "PATCH", "DELETE", "OPTIONS", "other"};

size_t MethodIndex(std::string_view method) {
  for (size_t i = 0; i + 1 < std::size(kMethodNames); ++i) {
    if (method == kMethodNames[i]) return i;
  }
  return std::size(kMethodNames) - 1;
}

}  // namespace

RequestMetrics::Route::Route(std::string p)
    : pattern(std::move(p)),
      duration(DurationBounds()),
      counts(std::make_unique<std::atomic<uint64_t>[]>(kMethods * kStatuses)) {}

RequestMetrics::RequestMetrics(std::span<const std::string> routes) {
  static_assert(std::size(kMethodNames) == kMethods);
  for (const std::string& route : routes) routes_.push_back(std::make_unique<Route>(route));
  routes_.push_back(std::make_unique<Route>(std::string(kUnmatched)));
}

RequestMetrics::Route* RequestMetrics::Find(std::string_view route) {
  if (route.empty()) return routes_.back().get();
  for (size_t i = 0; i + 1 < routes_.size(); ++i) {
    const std::string& pattern = routes_[i]->pattern;
    if (pattern.size() == route.size() && pattern == route) return routes_[i].get();
  }
  return nullptr;
}

void RequestMetrics::Record(std::string_view route, std::string_view method, int status,
                            std::chrono::nanoseconds duration) {
  Route* counted = Find(route);
  if (counted == nullptr || status < kMinStatus || status >= kMinStatus + kStatuses) return;
  const size_t cell = MethodIndex(method) * kStatuses + static_cast<size_t>(status - kMinStatus);
  counted->counts[cell].fetch_add(1, std::memory_order_relaxed);
  counted->duration.ObserveDuration(duration);
}

void RequestMetrics::Collect(TextWriter& out) const {
  constexpr std::string_view kTotal = "datacooee_http_requests_total";
  out.Family(kTotal,
             "HTTP requests answered, by route pattern (\"unmatched\" for unknown paths), "
             "method and status; health checks and /metrics are not counted",
             MetricType::kCounter);
  for (const auto& route : routes_) {
    for (size_t m = 0; m < kMethods; ++m) {
      for (int s = 0; s < kStatuses; ++s) {
        const uint64_t count =
            route->counts[m * kStatuses + static_cast<size_t>(s)].load(std::memory_order_relaxed);
        if (count == 0) continue;
        const std::string status = std::to_string(kMinStatus + s);
        out.Sample(kTotal,
                   {{"route", route->pattern}, {"method", kMethodNames[m]}, {"status", status}},
                   count);
      }
    }
  }
  constexpr std::string_view kDuration = "datacooee_http_request_duration_seconds";
  out.Family(kDuration,
             "Time from a request's first byte to its response written, by route pattern",
             MetricType::kHistogram);
  for (const auto& route : routes_) {
    const Label label{"route", route->pattern};
    out.Histogram(kDuration, std::span<const Label>(&label, 1), route->duration.Snapshot());
  }
}

}  // namespace dc::metrics
