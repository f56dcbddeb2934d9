#include "api/fetch_writer.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "domain/decimal.h"
#include "domain/timestamp.h"

namespace dc::api {

FetchWriter::FetchWriter(std::string* out, Fields fields, size_t max_bytes)
    : out_(out),
      max_bytes_(max_bytes),
      output_(out),
      writer_(output_),
      fields_(std::move(fields)) {}

void FetchWriter::CheckSize() const {
  if (out_->size() > max_bytes_) throw FetchAnswerTooLarge(max_bytes_);
}

void FetchWriter::BeginAsset(const Asset& asset) {
  writer_.StartObject();
  writer_.Key("id");
  writer_.Int64(asset.id);
  writer_.Key("name");
  Text(asset.name);
  writer_.Key("inputs");
  writer_.StartArray();
}

void FetchWriter::EndAsset() {
  writer_.EndArray();
  writer_.EndObject();
  CheckSize();
}

void FetchWriter::BeginList() { writer_.StartArray(); }
void FetchWriter::EndList() {
  writer_.EndArray();
  CheckSize();
}

void FetchWriter::BeginInput(const Input& input) {
  CheckSize();
  writer_.StartObject();
  writer_.Key("input");
  writer_.StartObject();
  writer_.Key("id");
  Text(input.id);
  writer_.Key("name");
  Text(input.name);
  writer_.Key("measure_unit");
  Text(input.measure_unit);
  writer_.EndObject();
  writer_.Key("inputdata");
  writer_.StartArray();
}

void FetchWriter::EndInput() {
  writer_.EndArray();
  writer_.EndObject();
}

void FetchWriter::AddReading(const Reading& reading) {
  CheckSize();
  writer_.StartObject();
  writer_.Key("timestamp");
  TimestampValue(reading.timestamp);
  writer_.Key("value");
  Number(reading.value);
  if (fields_.lat_long) {
    writer_.Key("latitude");
    OptionalNumber(reading.latitude);
    writer_.Key("longitude");
    OptionalNumber(reading.longitude);
  }
  if (fields_.x_axis) {
    writer_.Key("x_axis_value");
    Raw(reading.x_axis_value, rapidjson::kStringType);
  }
  if (fields_.metadata) {
    writer_.Key("metadata");
    Raw(reading.metadata, rapidjson::kObjectType);
  }
  writer_.EndObject();
}

void FetchWriter::AddBucket(const StatsBucket& bucket) {
  const Aggregate& a = bucket.aggregate;
  const bool empty = a.count == 0;
  CheckSize();
  writer_.StartObject();
  if (fields_.bucket_timestamp) {
    writer_.Key("timestamp");
    TimestampValue(bucket.start);
  }
  for (AggregateFunc func : fields_.functions) {
    const std::string_view name = AggregateFuncName(func);
    writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    switch (func) {
      case AggregateFunc::kCount:
        writer_.Int64(a.count);
        break;
      case AggregateFunc::kSum:
        OptionalNumber(a.Sum());
        break;
      case AggregateFunc::kMin:
        NumberUnless(empty, a.min);
        break;
      case AggregateFunc::kMax:
        NumberUnless(empty, a.max);
        break;
      case AggregateFunc::kAvg:
        NumberUnless(empty, a.Mean());
        break;
      case AggregateFunc::kFirst:
        NumberUnless(empty, a.first);
        break;
      case AggregateFunc::kLast:
        NumberUnless(empty, a.last);
        break;
    }
  }
  writer_.EndObject();
}

void FetchWriter::Number(double value) {
  // No stored reading holds one, and statistics are finite or null: a
  // non-finite number here is a defect, answered 500 (docs/api.md
  // "Statistics") rather than with a token that is not JSON.
  if (!std::isfinite(value)) {
    throw std::logic_error("a non-finite number (" + std::to_string(value) +
                           ") reached the response writer");
  }
  char text[kShortestDoubleSize];
  const size_t size = FormatShortest(value, text);
  writer_.RawValue(text, size, rapidjson::kNumberType);
}

void FetchWriter::NumberUnless(bool null, double value) {
  if (null) {
    writer_.Null();
  } else {
    Number(value);
  }
}

void FetchWriter::OptionalNumber(const std::optional<double>& value) {
  if (value) {
    Number(*value);
  } else {
    writer_.Null();
  }
}

// x_axis_value and metadata are stored as minified JSON taken from the
// upload, so they are valid JSON to copy as they are.
void FetchWriter::Raw(const std::string& json, rapidjson::Type type) {
  if (json.empty()) {
    writer_.Null();
  } else {
    writer_.RawValue(json.data(), json.size(), type);
  }
}

void FetchWriter::Text(const std::string& text) {
  writer_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void FetchWriter::TimestampValue(Timestamp ts) {
  char text[kTimestampTextSize];
  FormatTimestamp(ts, text);
  writer_.String(text, static_cast<rapidjson::SizeType>(kTimestampTextSize));
}

}  // namespace dc::api
