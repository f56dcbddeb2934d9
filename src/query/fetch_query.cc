#include "query/fetch_query.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <unordered_set>

#include "common/ascii.h"
#include "common/quote.h"
#include "query/query_string.h"

namespace dc {
namespace {

// The canonical parameters; aliases map onto them.
enum class Param {
  kInputIds,
  kAssetId,
  kStart,
  kFinish,
  kLast,
  kLimit,
  kLatLong,
  kXAxis,
  kMetadata,
  kOrderBy,
  kSortBy,
  kAggregation,
  kInterval,
  kCount,  // number of parameters, not one
};

struct ParamName {
  std::string_view name;
  Param param;
};

constexpr ParamName kNames[] = {
    {"input_ids", Param::kInputIds},       {"inputs_ids", Param::kInputIds},
    {"asset_id", Param::kAssetId},         {"timeperiod_start", Param::kStart},
    {"timeperiod-start", Param::kStart},   {"timeperiod_finish", Param::kFinish},
    {"timeperiod-finish", Param::kFinish}, {"timeperiod_last", Param::kLast},
    {"timeperiod-last", Param::kLast},     {"limit", Param::kLimit},
    {"is_add_lat_long", Param::kLatLong},  {"is_add_x_axis_data", Param::kXAxis},
    {"is_add_metadata", Param::kMetadata}, {"order_by", Param::kOrderBy},
    {"sort_by", Param::kSortBy},           {"aggregation_func", Param::kAggregation},
    {"interval", Param::kInterval},
};

std::optional<Param> Lookup(std::string_view name) {
  for (const ParamName& entry : kNames) {
    if (entry.name == name) return entry.param;
  }
  return std::nullopt;
}

bool Accepted(Param param, FetchShape shape, FetchTarget target) {
  switch (param) {
    case Param::kAssetId:
      return target == FetchTarget::kAsset;
    case Param::kLatLong:
    case Param::kXAxis:
    case Param::kMetadata:
    case Param::kOrderBy:
    case Param::kSortBy:
      return shape == FetchShape::kRaw;
    case Param::kAggregation:
    case Param::kInterval:
      return shape == FetchShape::kStatistics;
    default:
      return true;
  }
}

std::string AcceptedList(FetchShape shape, FetchTarget target) {
  std::string list;
  Param last_param = Param::kCount;
  for (const ParamName& entry : kNames) {
    if (!Accepted(entry.param, shape, target)) continue;
    if (entry.param == last_param) continue;  // list each parameter by its first name
    last_param = entry.param;
    if (!list.empty()) list += ", ";
    list += entry.name;
  }
  return list;
}

Status Bad(const std::string& name, std::string detail) {
  return Status::InvalidArgument(std::move(detail)).WithParameter(name);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Digits only, > 0, <= max.
std::optional<int64_t> PositiveInteger(std::string_view text, int64_t max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value <= 0 || value > max) return std::nullopt;
  return value;
}

// `N_unit`, e.g. "5_days", as microseconds; or why not. N is digits, not
// zero, and N * unit at most kMaxSpanDays days (which also keeps it far
// from overflow).
struct Span {
  std::optional<int64_t> micros;
  bool too_long = false;  // well formed, but longer than kMaxSpanDays
};

Span Duration(std::string_view text) {
  const size_t underscore = text.find('_');
  if (underscore == std::string_view::npos) return {};
  constexpr int64_t kMaxMicros = kMaxSpanDays * kMicrosPerDay;
  const std::string_view unit = text.substr(underscore + 1);
  int64_t unit_micros = 0;
  for (auto [singular, micros] : {std::pair<std::string_view, int64_t>{"minute", kMicrosPerMinute},
                                  {"hour", kMicrosPerHour},
                                  {"day", kMicrosPerDay},
                                  {"week", 7 * kMicrosPerDay}}) {
    if (EqualsIgnoringCase(unit, singular) ||
        (unit.size() == singular.size() + 1 && AsciiLower(unit.back()) == 's' &&
         EqualsIgnoringCase(unit.substr(0, singular.size()), singular))) {
      unit_micros = micros;
    }
  }
  if (unit_micros == 0) return {};
  const std::string_view digits = text.substr(0, underscore);
  const int64_t max_count = kMaxMicros / unit_micros;
  if (auto count = PositiveInteger(digits, max_count)) return {*count * unit_micros, false};
  // A positive number too large for the span (even for int64_t) is named
  // as such; zero, signs, spaces and the like keep the format message.
  const bool all_digits =
      !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  const bool nonzero = digits.find_first_not_of('0') != std::string_view::npos;
  return {std::nullopt, all_digits && nonzero};
}

// The detail for a well-formed span over the largest accepted one.
std::string SpanTooLong(const std::string& name, std::string_view value) {
  return name + " is at most " + std::to_string(kMaxSpanDays) + " days (" +
         std::to_string(kMaxSpanDays / 366) + " years of 366 days), got " + QuoteForDetail(value);
}

std::optional<bool> Flag(std::string_view text) {
  if (EqualsIgnoringCase(text, "true") || text == "1") return true;
  if (EqualsIgnoringCase(text, "false") || text == "0") return false;
  return std::nullopt;
}

// A comma-separated list, spaces around items ignored, repeats dropped (the
// first place of each item kept). An empty item is an error (returns
// nullopt). Repeats are found with a hash set: a query line may hold
// thousands of ids, and comparing each with all before it cost up to 200 ms.
std::optional<std::vector<std::string>> List(std::string_view text) {
  std::vector<std::string> items;
  std::unordered_set<std::string_view> seen;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (item.empty()) return std::nullopt;
    if (seen.insert(item).second) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

Result<FetchQuery> ParseFetchQuery(std::string_view query, FetchShape shape, FetchTarget target,
                                   Timestamp now) {
  auto params = SplitQueryString(query);
  if (!params) return params.error();

  FetchQuery out;
  out.shape = shape;
  out.target = target;
  // The spelling each parameter arrived under, to name it in errors.
  std::string spelled[static_cast<size_t>(Param::kCount)];
  bool seen[static_cast<size_t>(Param::kCount)] = {};

  for (const QueryParam& p : *params) {
    const std::optional<Param> param = Lookup(p.name);
    if (!param) {
      return Bad(p.name, "unknown parameter " + QuoteForDetail(p.name) +
                             "; this endpoint accepts " + AcceptedList(shape, target));
    }
    if (!Accepted(*param, shape, target)) {
      return Bad(p.name, "parameter " + QuoteForDetail(p.name) +
                             " is not accepted by this endpoint; it " + "accepts " +
                             AcceptedList(shape, target));
    }
    const size_t index = static_cast<size_t>(*param);
    if (seen[index]) {
      return Bad(p.name, "parameter " + QuoteForDetail(p.name) + " is given more than once" +
                             (spelled[index] != p.name ? " (also as " + spelled[index] + ")" : ""));
    }
    seen[index] = true;
    spelled[index] = p.name;
    const std::string_view value = Unquote(p.value);
    const std::string& name = p.name;
    if (value.empty()) return Bad(name, name + " must not be empty");

    switch (*param) {
      case Param::kInputIds: {
        auto ids = List(value);
        if (!ids)
          return Bad(name,
                     name + " must be comma-separated input ids, got " + QuoteForDetail(value));
        if (ids->size() > kMaxInputIds) {
          return Bad(name, name + " may name at most " + std::to_string(kMaxInputIds) +
                               " inputs, got " + std::to_string(ids->size()));
        }
        out.input_ids = std::move(*ids);
        out.input_ids_given = true;
        out.input_ids_parameter = name;
        break;
      }
      case Param::kAssetId: {
        auto id = PositiveInteger(value, std::numeric_limits<int64_t>::max());
        if (!id)
          return Bad(name, name + " must be a positive integer, got " + QuoteForDetail(value));
        out.asset_id = *id;
        break;
      }
      case Param::kStart:
      case Param::kFinish: {
        const bool start = *param == Param::kStart;
        auto ts = ParseTimestamp(value, start ? DateOnly::kStartOfDay : DateOnly::kEndOfDay);
        if (!ts) {
          return Bad(name, name +
                               " must be a UTC time like \"2020-11-02 14:24:38\" or a date "
                               "like 2020-11-02, got " +
                               QuoteForDetail(value));
        }
        (start ? out.window.start : out.window.finish) = *ts;
        break;
      }
      case Param::kLast: {
        const Span span = Duration(value);
        if (span.too_long) return Bad(name, SpanTooLong(name, value));
        if (!span.micros) {
          return Bad(name, name +
                               " must be N_unit with N a positive integer and unit minutes, "
                               "hours, days or weeks (e.g. 5_days), got " +
                               QuoteForDetail(value));
        }
        out.window.start = Timestamp{now.micros - *span.micros};
        out.window.finish = now;
        break;
      }
      case Param::kLimit: {
        auto limit = PositiveInteger(value, kMaxFetchLimit);
        if (!limit) {
          return Bad(name, "limit must be a positive integer up to " +
                               std::to_string(kMaxFetchLimit) + ", got " + QuoteForDetail(value));
        }
        out.limit = *limit;
        break;
      }
      case Param::kLatLong:
      case Param::kXAxis:
      case Param::kMetadata: {
        auto flag = Flag(value);
        if (!flag)
          return Bad(name,
                     name + " must be true or false (or 1 or 0), got " + QuoteForDetail(value));
        (*param == Param::kLatLong ? out.add_lat_long
         : *param == Param::kXAxis ? out.add_x_axis
                                   : out.add_metadata) = *flag;
        break;
      }
      case Param::kOrderBy:
        if (EqualsIgnoringCase(value, "timestamp") || EqualsIgnoringCase(value, "date")) {
          out.order_by = OrderBy::kTimestamp;
        } else if (EqualsIgnoringCase(value, "value")) {
          out.order_by = OrderBy::kValue;
        } else {
          return Bad(name,
                     "order_by must be timestamp, date or value, got " + QuoteForDetail(value));
        }
        break;
      case Param::kSortBy:
        if (EqualsIgnoringCase(value, "asc")) {
          out.sort = SortDirection::kAsc;
        } else if (EqualsIgnoringCase(value, "desc")) {
          out.sort = SortDirection::kDesc;
        } else {
          return Bad(name, "sort_by must be asc or desc, got " + QuoteForDetail(value));
        }
        break;
      case Param::kAggregation: {
        auto names = List(value);
        std::vector<AggregateFunc> functions;
        for (const std::string& fn : names ? *names : std::vector<std::string>{""}) {
          std::optional<AggregateFunc> found;
          for (AggregateFunc f :
               {AggregateFunc::kMin, AggregateFunc::kMax, AggregateFunc::kAvg, AggregateFunc::kSum,
                AggregateFunc::kCount, AggregateFunc::kFirst, AggregateFunc::kLast}) {
            if (EqualsIgnoringCase(fn, AggregateFuncName(f))) found = f;
          }
          if (!found) {
            return Bad(name,
                       "aggregation_func must be a comma-separated list of min, max, avg, "
                       "sum, count, first, last; got " +
                           QuoteForDetail(value));
          }
          // "max,MAX" names one function: answer it once.
          if (std::find(functions.begin(), functions.end(), *found) == functions.end()) {
            functions.push_back(*found);
          }
        }
        out.functions = std::move(functions);
        break;
      }
      case Param::kInterval: {
        const Span span = Duration(value);
        if (span.too_long) return Bad(name, SpanTooLong(name, value));
        if (!span.micros) {
          return Bad(name,
                     "interval must be N_unit with N a positive integer and unit minutes, "
                     "hours, days or weeks (e.g. 1_hour), got " +
                         QuoteForDetail(value));
        }
        out.interval_micros = *span.micros;
        break;
      }
      case Param::kCount:
        break;
    }
  }

  auto was = [&](Param p) { return seen[static_cast<size_t>(p)]; };
  auto as_spelled = [&](Param p) { return spelled[static_cast<size_t>(p)]; };
  if (was(Param::kLast) && (was(Param::kStart) || was(Param::kFinish))) {
    const std::string other = as_spelled(was(Param::kStart) ? Param::kStart : Param::kFinish);
    return Bad(as_spelled(Param::kLast), as_spelled(Param::kLast) + " cannot be combined with " +
                                             other + "; give one window form");
  }
  if (out.window.start && out.window.finish && *out.window.start > *out.window.finish) {
    return Bad(as_spelled(Param::kStart),
               as_spelled(Param::kStart) + " is after " + as_spelled(Param::kFinish));
  }
  if (target == FetchTarget::kInputs && !out.input_ids_given) {
    return Bad("input_ids", "input_ids is required: comma-separated input ids");
  }
  if (target == FetchTarget::kAsset && !was(Param::kAssetId)) {
    return Bad("asset_id", "asset_id is required: a positive integer");
  }
  return out;
}

}  // namespace dc
