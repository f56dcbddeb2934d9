#include "domain/fetch_types.h"

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

void Aggregate::Add(Timestamp ts, double value) {
  Aggregate one;
  one.count = 1;
  one.sum = one.min = one.max = one.first = one.last = value;
  one.first_ts = one.last_ts = ts;
  Merge(one);
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

}  // namespace dc
