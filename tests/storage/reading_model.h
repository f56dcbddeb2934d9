#pragma once

// The tests' own model of one input's stored readings, and brute-force
// answers to ScanReadings and Statistics computed from it without any of the
// store's code (no hour_stats, no window splitting, no heap), to compare the
// store's answers with.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/fetch_types.h"
#include "storage/store.h"

namespace dc::testing {

// The aggregate of some readings, with the sum of their magnitudes: the
// scale of the rounding error of any order of summation.
struct ModelAggregate {
  Aggregate aggregate;
  double magnitude = 0;
};

struct ModelBucket {
  int64_t start = 0;
  ModelAggregate aggregate;
};

// Adds a reading later than all those in `model`. Written out rather than
// Aggregate::Add, which is code under test.
inline void AddTo(ModelAggregate& model, int64_t ts, double value) {
  Aggregate& a = model.aggregate;
  if (a.count == 0) {
    a.min = a.max = value;
    a.first_ts = Timestamp{ts};
    a.first = value;
  }
  ++a.count;
  a.sum += value;
  a.min = std::min(a.min, value);
  a.max = std::max(a.max, value);
  a.last_ts = Timestamp{ts};
  a.last = value;
  model.magnitude += std::fabs(value);
}

class ReadingModel {
 public:
  // As WriteBatches does: a reading at a stored timestamp replaces it.
  void Put(int64_t ts, double value) { readings_[ts] = value; }
  const std::map<int64_t, double>& readings() const { return readings_; }

  // The readings in `window` (both ends inclusive, absent = unbounded).
  std::vector<std::pair<int64_t, double>> InWindow(const TimeWindow& window) const {
    std::vector<std::pair<int64_t, double>> in;
    for (const auto& [ts, value] : readings_) {
      if (window.start && ts < window.start->micros) continue;
      if (window.finish && ts > window.finish->micros) continue;
      in.emplace_back(ts, value);
    }
    return in;
  }

  ModelAggregate AggregateOf(const TimeWindow& window) const {
    ModelAggregate result;
    for (const auto& [ts, value] : InWindow(window)) AddTo(result, ts, value);
    return result;
  }

  // Non-empty buckets of `interval` aligned to the epoch, ascending, at
  // most `max_buckets`.
  std::vector<ModelBucket> Buckets(const TimeWindow& window, int64_t interval,
                                   int64_t max_buckets) const {
    std::vector<ModelBucket> buckets;
    for (const auto& [ts, value] : InWindow(window)) {
      // ts - ((ts mod I) + I) mod I: the floor, also before 1970.
      const int64_t start = ts - (((ts % interval) + interval) % interval);
      if (buckets.empty() || buckets.back().start != start) {
        if (static_cast<int64_t>(buckets.size()) == max_buckets) break;
        buckets.push_back(ModelBucket{.start = start, .aggregate = {}});
      }
      AddTo(buckets.back().aggregate, ts, value);
    }
    return buckets;
  }

 private:
  std::map<int64_t, double> readings_;
};

// Compares a store's aggregate with the model's: count, extremes, first and
// last exactly; the sum (and so the average) within 1e-9 relative to the
// sum of magnitudes, as the store may add in another order.
inline ::testing::AssertionResult SameAggregate(const Aggregate& actual,
                                                const ModelAggregate& expected) {
  const Aggregate& e = expected.aggregate;
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << what << ": got count " << actual.count << " sum " << actual.sum << " min "
           << actual.min << " max " << actual.max << " first " << actual.first << "@"
           << actual.first_ts.micros << " last " << actual.last << "@" << actual.last_ts.micros
           << "; want count " << e.count << " sum " << e.sum << " min " << e.min << " max " << e.max
           << " first " << e.first << "@" << e.first_ts.micros << " last " << e.last << "@"
           << e.last_ts.micros;
  };
  if (actual.count != e.count) return fail("count differs");
  if (e.count == 0) return ::testing::AssertionSuccess();
  if (std::fabs(actual.sum - e.sum) > 1e-9 * std::max(1.0, expected.magnitude)) {
    return fail("sum differs");
  }
  if (actual.min != e.min || actual.max != e.max) return fail("min or max differs");
  if (actual.first_ts != e.first_ts || actual.first != e.first) return fail("first differs");
  if (actual.last_ts != e.last_ts || actual.last != e.last) return fail("last differs");
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult SameBuckets(const std::vector<StatsBucket>& actual,
                                              const std::vector<ModelBucket>& expected) {
  if (actual.size() != expected.size()) {
    ::testing::AssertionResult failure = ::testing::AssertionFailure();
    failure << "got " << actual.size() << " buckets, want " << expected.size() << "; got starts";
    for (const StatsBucket& b : actual) failure << " " << b.start.micros;
    failure << "; want";
    for (const ModelBucket& b : expected) failure << " " << b.start;
    return failure;
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i].start.micros != expected[i].start) {
      return ::testing::AssertionFailure()
             << "bucket " << i << " starts at " << actual[i].start.micros << ", want "
             << expected[i].start;
    }
    ::testing::AssertionResult same = SameAggregate(actual[i].aggregate, expected[i].aggregate);
    if (!same) return ::testing::AssertionFailure() << "bucket " << i << ": " << same.message();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace dc::testing
