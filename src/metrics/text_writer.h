#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "metrics/histogram.h"

namespace dc::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

std::string_view MetricTypeName(MetricType type);

// One label of a sample. Names are checked at registration; values may be
// anything and are escaped when written.
struct Label {
  std::string_view name;
  std::string_view value;
};

// TextWriter appends metric families to a string in the Prometheus text
// exposition format, version 0.0.4: per family a `# HELP` and a `# TYPE`
// line, then its samples, one per line, `name{label="value",...} value`.
// Help text and label values are escaped as the format says (`\\`, `\n`,
// and in label values `\"`); values are integers, shortest round-trip
// decimals, `+Inf`, `-Inf` or `NaN`.
//
// Not thread-safe (one writer per render). Writes into a string the caller
// owns; reports no errors: names are the caller's to get right (Registry
// checks them).
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void Family(std::string_view name, std::string_view help, MetricType type);
  void Sample(std::string_view name, std::span<const Label> labels, uint64_t value);
  void Sample(std::string_view name, std::span<const Label> labels, double value);
  void Sample(std::string_view name, std::initializer_list<Label> labels, uint64_t value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  // The `_bucket` (with `le`, cumulative, ending at +Inf), `_sum` and
  // `_count` lines of one histogram series.
  void Histogram(std::string_view name, std::span<const Label> labels,
                 const HistogramSnapshot& snapshot);

 private:
  void Start(std::string_view name, std::span<const Label> labels, const Label* extra);

  std::string& out_;
};

// The escaped forms, appended to `out`.
void AppendEscapedHelp(std::string& out, std::string_view help);
void AppendEscapedLabelValue(std::string& out, std::string_view value);
// `value` as the format writes it: shortest round-trip, or +Inf/-Inf/NaN.
void AppendValue(std::string& out, double value);

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label
// name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool IsMetricName(std::string_view name);
bool IsLabelName(std::string_view name);

}  // namespace dc::metrics
