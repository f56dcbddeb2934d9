#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counter.h"
#include "metrics/histogram.h"
#include "metrics/text_writer.h"

namespace dc::metrics {

// A family of series of one metric, told apart by their label values, e.g.
// requests by route. Add() creates a series (a cold path: it takes a lock
// and allocates); what it returns is then recorded into without either.
//
// Thread-safe. The series live as long as the Registry that owns the family.
template <typename Metric>
class Family {
 public:
  // The series for `label_values` (one per label name, in order), created
  // on first use.
  Metric& Add(std::vector<std::string> label_values);

  // For Registry: `bounds` only for histograms.
  Family(std::vector<std::string> label_names, std::vector<double> bounds)
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  // Writes the samples of every series (not the HELP/TYPE lines).
  void Collect(std::string_view name, TextWriter& out) const;

 private:
  friend class Registry;
  struct Series {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
  };

  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::deque<Series> series_;  // guarded by mu_
};

// Registry holds the metrics of a process and renders them all in the
// Prometheus text format, in the order they were added.
//
// Thread-safe: metrics and families may be added at any time (under a
// lock, for start-up), recorded into from any thread (lock-free), and
// Render() runs beside both.
//
// Ownership: the Registry owns every metric it returns; references stay
// valid for its lifetime. Names are checked with assert: a bad metric or
// label name, or a name added twice, is a programmer error.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(std::string name, std::string help);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::span<const double> bounds);

  Family<Counter>& AddCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& AddGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  Family<Histogram>& AddHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::span<const double> bounds);

  // A gauge whose value `value` computes at each Render() (from a thread
  // that renders: it must be thread-safe, and quick).
  void AddCallbackGauge(std::string name, std::string help, std::function<double()> value);

  // Families that a caller renders itself, e.g. a table of counters too
  // sparse for Family. `collect` must write whole families (TextWriter::
  // Family, then samples) and be thread-safe.
  void AddCollector(std::function<void(TextWriter&)> collect);

  // Every metric, in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  // Checks `name` and files `collect` under it (mu_ held).
  void AddLocked(std::string_view name, std::function<void(TextWriter&)> collect);

  mutable std::mutex mu_;
  std::vector<std::string> names_;                            // guarded by mu_
  std::vector<std::function<void(TextWriter&)>> collectors_;  // guarded by mu_
  // What the collectors render; deques, so that adding never moves them.
  std::deque<Counter> counters_;                      // guarded by mu_
  std::deque<Gauge> gauges_;                          // guarded by mu_
  std::deque<Histogram> histograms_;                  // guarded by mu_
  std::deque<Family<Counter>> counter_families_;      // guarded by mu_
  std::deque<Family<Gauge>> gauge_families_;          // guarded by mu_
  std::deque<Family<Histogram>> histogram_families_;  // guarded by mu_
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

}  // namespace dc::metrics
