#include "metrics/text_writer.h"

#include <charconv>
#include <cmath>

namespace dc::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

void AppendInteger(std::string& out, uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void AppendEscapedHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // Plain decimals where they are short (so a bucket reads le="0.0001",
    // not le="1e-04", as other Prometheus clients write it), an exponent
    // for the very small and very large.
    const double magnitude = std::fabs(value);
    const bool fixed = value == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
    char buffer[400];
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, value,
                      fixed ? std::chars_format::fixed : std::chars_format::scientific);
    out.append(buffer, end);
  }
}

bool IsMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!IsNameChar(c) && c != ':') return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

void TextWriter::Family(std::string_view name, std::string_view help, MetricType type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscapedHelp(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += MetricTypeName(type);
  out_ += '\n';
}

void TextWriter::Start(std::string_view name, std::span<const Label> labels, const Label* extra) {
  out_ += name;
  if (labels.empty() && extra == nullptr) {
    out_ += ' ';
    return;
  }
  char separator = '{';
  auto append = [&](const Label& label) {
    out_ += separator;
    out_ += label.name;
    out_ += "=\"";
    AppendEscapedLabelValue(out_, label.value);
    out_ += '"';
    separator = ',';
  };
  for (const Label& label : labels) append(label);
  if (extra != nullptr) append(*extra);
  out_ += "} ";
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, uint64_t value) {
  Start(name, labels, nullptr);
  AppendInteger(out_, value);
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, double value) {
  Start(name, labels, nullptr);
  AppendValue(out_, value);
  out_ += '\n';
}

void TextWriter::Histogram(std::string_view name, std::span<const Label> labels,
                           const HistogramSnapshot& snapshot) {
  const std::string bucket = std::string(name) + "_bucket";
  std::string bound;
  for (size_t i = 0; i <= snapshot.bounds.size(); ++i) {
    bound.clear();
    AppendValue(bound, i < snapshot.bounds.size() ? snapshot.bounds[i] : INFINITY);
    const Label le{"le", bound};
    Start(bucket, labels, &le);
    AppendInteger(out_, snapshot.cumulative[i]);
    out_ += '\n';
  }
  Sample(std::string(name) + "_sum", labels, snapshot.sum);
  Sample(std::string(name) + "_count", labels, snapshot.count);
}

}  // namespace dc::metrics
