#include "metrics/registry.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace dc::metrics {
namespace {

std::vector<Label> LabelsOf(const std::vector<std::string>& names,
                            const std::vector<std::string>& values) {
  std::vector<Label> labels;
  labels.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) labels.push_back({names[i], values[i]});
  return labels;
}

template <typename Metric>
std::unique_ptr<Metric> MakeMetric(const std::vector<double>& bounds) {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return std::make_unique<Histogram>(bounds);
  } else {
    return std::make_unique<Metric>();
  }
}

void WriteSeries(std::string_view name, std::span<const Label> labels, const Counter& counter,
                 TextWriter& out) {
  out.Sample(name, labels, counter.Value());
}
void WriteSeries(std::string_view name, std::span<const Label> labels, const Gauge& gauge,
                 TextWriter& out) {
  out.Sample(name, labels, gauge.Value());
}
void WriteSeries(std::string_view name, std::span<const Label> labels, const Histogram& histogram,
                 TextWriter& out) {
  out.Histogram(name, labels, histogram.Snapshot());
}

}  // namespace

template <typename Metric>
Metric& Family<Metric>::Add(std::vector<std::string> label_values) {
  assert(label_values.size() == label_names_.size());
  std::lock_guard lock(mu_);
  for (Series& series : series_) {
    if (series.values == label_values) return *series.metric;
  }
  series_.push_back(Series{std::move(label_values), MakeMetric<Metric>(bounds_)});
  return *series_.back().metric;
}

template <typename Metric>
void Family<Metric>::Collect(std::string_view name, TextWriter& out) const {
  std::lock_guard lock(mu_);
  for (const Series& series : series_) {
    WriteSeries(name, LabelsOf(label_names_, series.values), *series.metric, out);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::AddLocked(std::string_view name, std::function<void(TextWriter&)> collect) {
  assert(IsMetricName(name));
  assert(std::find(names_.begin(), names_.end(), name) == names_.end());
  names_.emplace_back(name);
  collectors_.push_back(std::move(collect));
}

Counter& Registry::AddCounter(std::string name, std::string help) {
  std::lock_guard lock(mu_);
  Counter& counter = counters_.emplace_back();
  AddLocked(name, [name, help, &counter](TextWriter& out) {
    out.Family(name, help, MetricType::kCounter);
    out.Sample(name, {}, counter.Value());
  });
  return counter;
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  std::lock_guard lock(mu_);
  Gauge& gauge = gauges_.emplace_back();
  AddLocked(name, [name, help, &gauge](TextWriter& out) {
    out.Family(name, help, MetricType::kGauge);
    out.Sample(name, std::span<const Label>(), gauge.Value());
  });
  return gauge;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::span<const double> bounds) {
  std::lock_guard lock(mu_);
  Histogram& histogram = histograms_.emplace_back(bounds);
  AddLocked(name, [name, help, &histogram](TextWriter& out) {
    out.Family(name, help, MetricType::kHistogram);
    out.Histogram(name, {}, histogram.Snapshot());
  });
  return histogram;
}

Family<Counter>& Registry::AddCounterFamily(std::string name, std::string help,
                                            std::vector<std::string> label_names) {
  assert(std::all_of(label_names.begin(), label_names.end(), IsLabelName));
  std::lock_guard lock(mu_);
  Family<Counter>& family =
      counter_families_.emplace_back(std::move(label_names), std::vector<double>());
  AddLocked(name, [name, help, &family](TextWriter& out) {
    out.Family(name, help, MetricType::kCounter);
    family.Collect(name, out);
  });
  return family;
}

Family<Gauge>& Registry::AddGaugeFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  assert(std::all_of(label_names.begin(), label_names.end(), IsLabelName));
  std::lock_guard lock(mu_);
  Family<Gauge>& family =
      gauge_families_.emplace_back(std::move(label_names), std::vector<double>());
  AddLocked(name, [name, help, &family](TextWriter& out) {
    out.Family(name, help, MetricType::kGauge);
    family.Collect(name, out);
  });
  return family;
}

Family<Histogram>& Registry::AddHistogramFamily(std::string name, std::string help,
                                                std::vector<std::string> label_names,
                                                std::span<const double> bounds) {
  assert(std::all_of(label_names.begin(), label_names.end(), IsLabelName));
  assert(std::find(label_names.begin(), label_names.end(), "le") == label_names.end());
  std::lock_guard lock(mu_);
  Family<Histogram>& family = histogram_families_.emplace_back(
      std::move(label_names), std::vector<double>(bounds.begin(), bounds.end()));
  AddLocked(name, [name, help, &family](TextWriter& out) {
    out.Family(name, help, MetricType::kHistogram);
    family.Collect(name, out);
  });
  return family;
}

void Registry::AddCallbackGauge(std::string name, std::string help, std::function<double()> value) {
  std::lock_guard lock(mu_);
  AddLocked(name, [name, help, value = std::move(value)](TextWriter& out) {
    out.Family(name, help, MetricType::kGauge);
    out.Sample(name, std::span<const Label>(), value());
  });
}

void Registry::AddCollector(std::function<void(TextWriter&)> collect) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  std::string text;
  TextWriter out(text);
  // Callbacks run under mu_: they must not add metrics (documented).
  std::lock_guard lock(mu_);
  for (const auto& collect : collectors_) collect(out);
  return text;
}

}  // namespace dc::metrics
