#include "crash/api_readings.h"

#include <rapidjson/document.h>

#include <cmath>

#include "domain/timestamp.h"

namespace dc::testing::crash {
namespace {

constexpr int kPageSize = 100'000;  // the raw endpoint's largest limit
constexpr char kBase[] = "/api/external/v1/";

// The one element's "inputdata" of a fetch answer for one input, or null.
const rapidjson::Value* InputData(const rapidjson::Document& doc) {
  if (doc.HasParseError() || !doc.IsArray() || doc.Size() != 1 || !doc[0].IsObject()) {
    return nullptr;
  }
  auto data = doc[0].FindMember("inputdata");
  return data == doc[0].MemberEnd() || !data->value.IsArray() ? nullptr : &data->value;
}

struct Totals {
  int64_t count = 0;
  double sum = 0;
  double min = INFINITY;
  double max = -INFINITY;
};

// Reads one input's readings into `state.rows`; returns their totals.
Totals ReadInput(HttpClient& client, const Headers& credentials, const std::string& input_id,
                 int input, ApiState& state) {
  Totals totals;
  std::string start;
  while (state.error.empty()) {
    std::string target = std::string(kBase) + "get_inputdata_by_inputs?input_ids=" + input_id +
                         "&sort_by=asc&limit=" + std::to_string(kPageSize);
    if (!start.empty()) target += "&timeperiod_start=" + start;
    const HttpResponse response = client.Request("GET", target, credentials);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(response.body.c_str());
    const rapidjson::Value* data = InputData(doc);
    if (response.status != 200 || data == nullptr) {
      state.error = target + " answered " + std::to_string(response.status) + ": " +
                    response.body.substr(0, 300);
      break;
    }
    int64_t last = 0;
    for (const rapidjson::Value& reading : data->GetArray()) {
      const Result<Timestamp> ts = reading.HasMember("timestamp") && reading["timestamp"].IsString()
                                       ? ParseTimestamp(reading["timestamp"].GetString())
                                       : Result<Timestamp>(Status::InvalidArgument("no timestamp"));
      if (!ts || !reading.HasMember("value") || !reading["value"].IsNumber()) {
        state.error = target + ": a reading without timestamp or value";
        break;
      }
      const double value = reading["value"].GetDouble();
      state.rows[RowKey(input, ts->micros)] = StoredRow{0, value};
      totals.count += 1;
      totals.sum += value;
      totals.min = std::min(totals.min, value);
      totals.max = std::max(totals.max, value);
      last = ts->micros;
    }
    if (data->Size() < static_cast<rapidjson::SizeType>(kPageSize)) break;
    start = FormatIsoMicros(last + 1);
  }
  return totals;
}

// "" when the statistics endpoint agrees with `totals`, else what differs.
std::string CompareStatistics(HttpClient& client, const Headers& credentials,
                              const std::string& input_id, const Totals& totals) {
  const std::string target = std::string(kBase) +
                             "get_statistics_inputdata_by_inputs?input_ids=" + input_id +
                             "&aggregation_func=count,sum,min,max";
  const HttpResponse response = client.Request("GET", target, credentials);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(response.body.c_str());
  const rapidjson::Value* data = InputData(doc);
  if (response.status != 200 || data == nullptr || data->Size() != 1 || !(*data)[0].IsObject()) {
    return target + " answered " + std::to_string(response.status) + ": " + response.body;
  }
  const rapidjson::Value& stats = (*data)[0];
  auto number = [&](const char* name) {
    auto it = stats.FindMember(name);
    return it != stats.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : NAN;
  };
  const std::string seen = "input " + input_id + ": statistics " + response.body +
                           ", the raw readings count " + std::to_string(totals.count);
  if (number("count") != static_cast<double>(totals.count)) return seen;
  if (totals.count == 0) return "";
  if (number("min") != totals.min || number("max") != totals.max) return seen;
  const double sum = number("sum");
  if (!(std::fabs(sum - totals.sum) <= 1e-9 * std::max(1.0, std::fabs(totals.sum)))) return seen;
  return "";
}

}  // namespace

ApiState ReadThroughApi(uint16_t port, const Headers& credentials,
                        const std::array<std::string, kInputs>& input_ids) {
  ApiState state;
  try {
    HttpClient client(port);
    for (int input = 0; input < kInputs && state.error.empty(); ++input) {
      const Totals totals = ReadInput(client, credentials, input_ids[input], input, state);
      if (state.error.empty() && state.statistics.empty()) {
        state.statistics = CompareStatistics(client, credentials, input_ids[input], totals);
      }
    }
  } catch (const std::exception& e) {
    state.error = std::string("the API read failed: ") + e.what();
  }
  return state;
}

}  // namespace dc::testing::crash
