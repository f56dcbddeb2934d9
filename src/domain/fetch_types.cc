#include "domain/fetch_types.h"

#include <algorithm>
#include <cmath>

namespace dc {

std::string_view AggregateFuncName(AggregateFunc func) {
  switch (func) {
    case AggregateFunc::kMin:
      return "min";
    case AggregateFunc::kMax:
      return "max";
    case AggregateFunc::kAvg:
      return "avg";
    case AggregateFunc::kSum:
      return "sum";
    case AggregateFunc::kCount:
      return "count";
    case AggregateFunc::kFirst:
      return "first";
    case AggregateFunc::kLast:
      return "last";
  }
  return "min";
}

void Aggregate::Merge(const Aggregate& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  count += other.count;
  sum += other.sum;
  if (other.min < min) min = other.min;
  if (other.max > max) max = other.max;
  if (other.first_ts < first_ts) {
    first_ts = other.first_ts;
    first = other.first;
  }
  if (other.last_ts > last_ts) {
    last_ts = other.last_ts;
    last = other.last;
  }
}

std::optional<double> Aggregate::Sum() const {
  if (count == 0) return 0.0;
  // Checked first: converting a long double beyond the double range is
  // undefined behaviour, not infinity.
  if (!(std::fabs(sum) <= std::numeric_limits<double>::max())) return std::nullopt;
  return static_cast<double>(sum);
}

double Aggregate::Mean() const {
  if (count == 0) return 0;
  // The exact mean lies in [min, max]; the rounding of a long sum could
  // put the quotient a hair outside, and the clamp keeps it in the double
  // range too.
  const long double mean = sum / static_cast<long double>(count);
  return static_cast<double>(std::clamp<long double>(mean, min, max));
}

}  // namespace dc
