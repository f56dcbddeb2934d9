#include "api/upload_response.h"

#include <charconv>

#include "api/string_output.h"
#include "domain/decimal.h"
#include "domain/timestamp.h"

namespace dc::api {
namespace {

using Writer = StringWriter;

// The 201 bodies nest five deep; a writer stack of this many levels, in a
// pool on the caller's stack, never touches the heap.
constexpr size_t kNestingLevels = 8;
constexpr size_t kStackPoolBytes = 1024;
// Room for a whole 201 body without regrowing (metadata aside).
constexpr size_t kTypicalBodyBytes = 256;

void NumberAsString(Writer& writer, const char* key, double value) {
  char text[kShortestDoubleSize];
  const size_t size = FormatShortest(value, text);
  writer.Key(key);
  writer.String(text, static_cast<rapidjson::SizeType>(size));
}

}  // namespace

std::string RenderStoredReading(int64_t id, const Reading& reading, std::string_view input_id) {
  std::string body;
  body.reserve(kTypicalBodyBytes + reading.x_axis_value.size() + reading.metadata.size());
  char pool_buffer[kStackPoolBytes];
  rapidjson::MemoryPoolAllocator<> pool(pool_buffer, sizeof pool_buffer);
  StringOutput output(&body);
  Writer writer(output, &pool, kNestingLevels);
  // Sent as a JSON string, as in the reference's answer.
  char id_text[24];
  const auto id_end = std::to_chars(id_text, id_text + sizeof id_text, id).ptr;
  char ts[kTimestampTextSize];
  FormatTimestamp(reading.timestamp, ts);

  writer.StartObject();
  writer.Key("data");
  writer.StartObject();
  writer.Key("type");
  writer.String("SensorData");
  writer.Key("id");
  writer.String(id_text, static_cast<rapidjson::SizeType>(id_end - id_text));
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
  return body;
}

std::string RenderStoredBatch(size_t count) {
  std::string body;
  char pool_buffer[kStackPoolBytes];
  rapidjson::MemoryPoolAllocator<> pool(pool_buffer, sizeof pool_buffer);
  StringOutput output(&body);
  Writer writer(output, &pool, kNestingLevels);
  writer.StartObject();
  writer.Key("meta");
  writer.StartObject();
  writer.Key("count");
  writer.Uint64(count);
  writer.EndObject();
  writer.EndObject();
  return body;
}

}  // namespace dc::api
