#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/fetch_types.h"
#include "domain/timestamp.h"

namespace dc {

// Which of the four fetch behaviours an endpoint has. The `get_latest_*`
// endpoints behave like their twins: every endpoint accepts both window
// forms (docs/api.md "Fetch").
enum class FetchShape { kRaw, kStatistics };
enum class FetchTarget { kInputs, kAsset };

inline constexpr int64_t kDefaultFetchLimit = 1000;
inline constexpr int64_t kMaxFetchLimit = 100'000;
// The longest span `timeperiod_last` and `interval` accept: 10,000 years of
// 366 days. Longer is a 400 that names this bound.
inline constexpr int64_t kMaxSpanDays = 10'000LL * 366;
// The largest fetch answer the server renders (docs/api.md "Fetch"): an
// answer is held whole in memory before it is sent, so its size is bounded
// whatever limit times inputs a request asks for; over it is a 400.
inline constexpr size_t kMaxFetchAnswerBytes = 256u * 1024 * 1024;
// More ids than this in input_ids is a 400: an answer must stay bounded.
inline constexpr size_t kMaxInputIds = 1000;

// A fetch request's query string, parsed and validated into one typed value.
struct FetchQuery {
  FetchShape shape = FetchShape::kRaw;
  FetchTarget target = FetchTarget::kInputs;
  // input_ids / inputs_ids, in the order given, duplicates removed. For
  // kAsset an optional filter (`input_ids_given` tells whether it was sent).
  std::vector<std::string> input_ids;
  bool input_ids_given = false;
  // How the client spelled it (`input_ids` or `inputs_ids`), to name it in
  // a later 404.
  std::string input_ids_parameter = "input_ids";
  int64_t asset_id = 0;  // kAsset only; positive
  TimeWindow window;     // both ends inclusive; absent end = unbounded
  int64_t limit = kDefaultFetchLimit;
  // Raw only.
  bool add_lat_long = false;
  bool add_x_axis = false;
  bool add_metadata = false;
  OrderBy order_by = OrderBy::kTimestamp;
  SortDirection sort = SortDirection::kDesc;
  // Statistics only: in the order requested, without repeats.
  std::vector<AggregateFunc> functions = {AggregateFunc::kMin, AggregateFunc::kMax,
                                          AggregateFunc::kAvg};
  std::optional<int64_t> interval_micros;
};

// Parses `query` (the part of the target after '?', still percent-encoded)
// for an endpoint of `shape` and `target`. `now` anchors timeperiod_last.
// Values may be wrapped in "…" or '…'; '+' decodes to a space. Any unknown,
// repeated or malformed parameter, or one this endpoint does not take, is
// InvalidArgument naming the parameter as the client spelled it
// (Status::WithParameter).
Result<FetchQuery> ParseFetchQuery(std::string_view query, FetchShape shape, FetchTarget target,
                                   Timestamp now);

}  // namespace dc
