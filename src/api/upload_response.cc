#include "api/upload_response.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "domain/decimal.h"
#include "domain/timestamp.h"

namespace dc::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void NumberAsString(Writer& writer, const char* key, double value) {
  char text[kShortestDoubleSize];
  const size_t size = FormatShortest(value, text);
  writer.Key(key);
  writer.String(text, static_cast<rapidjson::SizeType>(size));
}

}  // namespace

std::string RenderStoredReading(int64_t id, const Reading& reading, std::string_view input_id) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  const std::string id_text = std::to_string(id);
  char ts[kTimestampTextSize];
  FormatTimestamp(reading.timestamp, ts);

  writer.StartObject();
  writer.Key("data");
  writer.StartObject();
  writer.Key("type");
  writer.String("SensorData");
  writer.Key("id");
  writer.String(id_text.data(), static_cast<rapidjson::SizeType>(id_text.size()));
  writer.Key("attributes");
  writer.StartObject();
  writer.Key("timestamp");
  writer.String(ts, kTimestampTextSize);
  NumberAsString(writer, "value", reading.value);
  if (reading.latitude) NumberAsString(writer, "latitude", *reading.latitude);
  if (reading.longitude) NumberAsString(writer, "longitude", *reading.longitude);
  // Stored as minified JSON from the request: echoed as sent.
  if (!reading.x_axis_value.empty()) {
    writer.Key("x_axis_value");
    writer.RawValue(reading.x_axis_value.data(), reading.x_axis_value.size(),
                    rapidjson::kStringType);
  }
  if (!reading.metadata.empty()) {
    writer.Key("metadata");
    writer.RawValue(reading.metadata.data(), reading.metadata.size(), rapidjson::kObjectType);
  }
  writer.EndObject();
  writer.Key("relationships");
  writer.StartObject();
  writer.Key("sensor");
  writer.StartObject();
  writer.Key("data");
  writer.StartObject();
  writer.Key("type");
  writer.String("Sensor");
  writer.Key("id");
  writer.String(input_id.data(), static_cast<rapidjson::SizeType>(input_id.size()));
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string RenderStoredBatch(size_t count) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("meta");
  writer.StartObject();
  writer.Key("count");
  writer.Uint64(count);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace dc::api
