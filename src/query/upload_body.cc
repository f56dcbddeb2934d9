#include "query/upload_body.h"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "common/quote.h"
#include "domain/decimal.h"
#include "domain/timestamp.h"
#include "query/repeated_key.h"

namespace dc {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kAttributeNames =
    "value, timestamp, latitude, longitude, x_axis_value, metadata";

// Where in the document a member is: a chain of parents on the stack. The
// JSON pointer text is built only when there is an error to report, so a
// valid reading costs no string allocation for it.
struct Location {
  const Location* parent = nullptr;
  std::string_view key;  // the member name, unless an array element
  bool is_element = false;
  size_t index = 0;  // the array index, for an element

  Location Member(std::string_view name) const { return Location{this, name, false, 0}; }
  Location Element(size_t i) const { return Location{this, {}, true, i}; }

  std::string Pointer() const {
    if (parent == nullptr) return std::string();
    std::string text = parent->Pointer();
    text += '/';
    if (is_element) {
      text += std::to_string(index);
    } else {
      // RFC 6901: a member name's '~' and '/' are escaped.
      for (char c : key) {
        if (c == '~') {
          text += "~0";
        } else if (c == '/') {
          text += "~1";
        } else {
          text += c;
        }
      }
    }
    return text;
  }
};

Status Bad(const Location& where, std::string detail) {
  return Status::InvalidArgument(std::move(detail)).WithPointer(where.Pointer());
}

// `where` is a member whose name an earlier member of its object has.
Status Repeated(const Location& where) {
  return Bad(where, "member " + QuoteForDetail(where.key) + " appears more than once");
}

// Remembers the member names of one object so a repeated one fails: which
// of the two to believe would be a guess. Every object here accepts at most
// six names and fails on the first other one, so a fixed array suffices: a
// name beyond it is a repeat or an unknown member, and fails either way.
class SeenMembers {
 public:
  Status Add(std::string_view key, const Location& where) {
    for (size_t i = 0; i < count_; ++i) {
      if (seen_[i] == key) return Repeated(where);
    }
    if (count_ < seen_.size()) seen_[count_++] = key;
    return Status::Ok();
  }

 private:
  std::array<std::string_view, 8> seen_;
  size_t count_ = 0;
};

// metadata is stored as sent and never read by the server, but a client
// that reads it back would get two values for one name, and JSON libraries
// differ in which one they keep: a repeated name anywhere inside it (nested
// objects too) is refused like a repeat anywhere else in the body.
Status NoRepeatedKeys(element value, const Location& where) {
  object members;
  simdjson::dom::array elements;
  if (value.get_object().get(members) == simdjson::SUCCESS) {
    const std::optional<size_t> repeat = FindRepeatedKey(members);
    size_t index = 0;
    for (auto field : members) {
      const Location at = where.Member(field.key);
      if (repeat && index++ == *repeat) return Repeated(at);
      DC_RETURN_IF_ERROR(NoRepeatedKeys(field.value, at));
    }
  } else if (value.get_array().get(elements) == simdjson::SUCCESS) {
    size_t index = 0;
    for (element item : elements) DC_RETURN_IF_ERROR(NoRepeatedKeys(item, where.Element(index++)));
  }
  return Status::Ok();
}

// A JSON number, or a string holding a decimal number.
Result<double> NumberOrDecimalString(element value, const Location& where, std::string_view name) {
  if (value.is_number()) return value.get_double().value_unsafe();
  if (value.is_string()) {
    auto parsed = ParseDecimal(value.get_string().value_unsafe());
    if (!parsed) {
      return Bad(where,
                 std::string(name) + " must be a decimal number: " + parsed.error().detail());
    }
    return *parsed;
  }
  return Bad(where, std::string(name) + " must be a number or a string holding a decimal number");
}

Result<std::optional<double>> Coordinate(element value, const Location& where,
                                         std::string_view name, double bound) {
  if (value.is_null()) return std::optional<double>();
  auto number = NumberOrDecimalString(value, where, name);
  if (!number) return number.error();
  if (!(*number >= -bound && *number <= bound)) {
    return Bad(where, std::string(name) + " must be between " + FormatShortest(-bound) + " and " +
                          FormatShortest(bound) + ", got " + FormatShortest(*number));
  }
  return std::optional<double>(*number);
}

Status ParseAttributes(element value, const Location& where, Reading* reading) {
  object attributes;
  if (value.get_object().get(attributes) != simdjson::SUCCESS) {
    return Bad(where, "attributes must be an object");
  }
  SeenMembers seen;
  bool has_value = false;
  bool has_timestamp = false;
  for (auto field : attributes) {
    const Location at = where.Member(field.key);
    DC_RETURN_IF_ERROR(seen.Add(field.key, at));
    if (field.key == "value") {
      auto number = NumberOrDecimalString(field.value, at, "value");
      if (!number) return number.error();
      reading->value = *number;
      has_value = true;
    } else if (field.key == "timestamp") {
      std::string_view text;
      if (field.value.get_string().get(text) != simdjson::SUCCESS) {
        return Bad(at, "timestamp must be a string like 2020-10-13T14:02:39.489Z");
      }
      auto ts = ParseTimestamp(text, DateOnly::kReject);
      if (!ts) return ts.error().WithPointer(at.Pointer());
      reading->timestamp = *ts;
      has_timestamp = true;
    } else if (field.key == "latitude") {
      auto lat = Coordinate(field.value, at, "latitude", 90);
      if (!lat) return lat.error();
      reading->latitude = *lat;
    } else if (field.key == "longitude") {
      auto lon = Coordinate(field.value, at, "longitude", 180);
      if (!lon) return lon.error();
      reading->longitude = *lon;
    } else if (field.key == "x_axis_value") {
      if (field.value.is_null()) continue;
      if (!field.value.is_number() && !field.value.is_string()) {
        return Bad(at, "x_axis_value must be a number or a string");
      }
      reading->x_axis_value = simdjson::minify(field.value);
      if (reading->x_axis_value.size() > kMaxXAxisValueBytes) {
        return Bad(at,
                   "x_axis_value is longer than " + std::to_string(kMaxXAxisValueBytes) + " bytes");
      }
    } else if (field.key == "metadata") {
      if (field.value.is_null()) continue;
      if (!field.value.is_object()) return Bad(at, "metadata must be a JSON object");
      reading->metadata = simdjson::minify(field.value);
      if (reading->metadata.size() > kMaxMetadataBytes) {
        return Bad(at, "metadata is longer than " + std::to_string(kMaxMetadataBytes) +
                           " bytes as minified JSON");
      }
      DC_RETURN_IF_ERROR(NoRepeatedKeys(field.value, at));
    } else {
      return Bad(at, "unknown attribute " + QuoteForDetail(field.key) +
                         "; accepted: " + std::string(kAttributeNames));
    }
  }
  if (!has_value) return Bad(where.Member("value"), "value is required");
  if (!has_timestamp) return Bad(where.Member("timestamp"), "timestamp is required");
  return Status::Ok();
}

// `relationships.sensor.data`, when present, must name the input of the URL.
Status ParseRelationships(element value, const Location& where, std::string_view input_id) {
  object relationships;
  if (value.get_object().get(relationships) != simdjson::SUCCESS) {
    return Bad(where, "relationships must be an object");
  }
  SeenMembers seen;
  for (auto field : relationships) {
    const Location at = where.Member(field.key);
    DC_RETURN_IF_ERROR(seen.Add(field.key, at));
    if (field.key != "sensor") {
      return Bad(at, "unknown relationship " + QuoteForDetail(field.key) + "; accepted: sensor");
    }
    object sensor;
    if (field.value.get_object().get(sensor) != simdjson::SUCCESS) {
      return Bad(at, "relationships.sensor must be an object");
    }
    element data;
    if (sensor["data"].get(data) != simdjson::SUCCESS || !data.is_object()) {
      return Bad(at.Member("data"),
                 "relationships.sensor.data must be {\"type\": \"Sensor\", \"id\": \"" +
                     std::string(input_id) + "\"}");
    }
    std::string_view type, id;
    if (data["type"].get_string().get(type) != simdjson::SUCCESS || type != "Sensor") {
      return Bad(at.Member("data").Member("type"),
                 "relationships.sensor.data.type must be \"Sensor\"");
    }
    if (data["id"].get_string().get(id) != simdjson::SUCCESS || id != input_id) {
      return Bad(at.Member("data").Member("id"),
                 "relationships.sensor.data.id must be the input of the URL, \"" +
                     std::string(input_id) + "\"");
    }
  }
  return Status::Ok();
}

Status ParseResource(element value, const Location& where, std::string_view input_id,
                     Reading* reading) {
  object resource;
  if (value.get_object().get(resource) != simdjson::SUCCESS) {
    return Bad(where, "each data element must be a SensorData object");
  }
  element type;
  if (resource["type"].get(type) != simdjson::SUCCESS) {
    return Bad(where.Member("type"), "type is required and must be \"SensorData\"");
  }
  std::string_view type_name;
  if (type.get_string().get(type_name) != simdjson::SUCCESS) {
    return Bad(where.Member("type"), "type must be the string \"SensorData\"");
  }
  if (type_name != "SensorData") {
    return Status::Conflict("type must be \"SensorData\", got " + QuoteForDetail(type_name))
        .WithPointer(where.Member("type").Pointer());
  }
  SeenMembers seen;
  bool has_attributes = false;
  for (auto field : resource) {
    const Location at = where.Member(field.key);
    DC_RETURN_IF_ERROR(seen.Add(field.key, at));
    if (field.key == "type" || field.key == "links" || field.key == "meta") continue;
    if (field.key == "id") {
      std::string_view id;
      const bool null_like =
          field.value.is_null() ||
          (field.value.get_string().get(id) == simdjson::SUCCESS && id == "null");
      if (!null_like) {
        return Bad(at, "id must be absent, null or \"null\": the server assigns reading ids");
      }
    } else if (field.key == "attributes") {
      DC_RETURN_IF_ERROR(ParseAttributes(field.value, at, reading));
      has_attributes = true;
    } else if (field.key == "relationships") {
      DC_RETURN_IF_ERROR(ParseRelationships(field.value, at, input_id));
    } else {
      return Bad(at, "unknown member " + QuoteForDetail(field.key) +
                         "; accepted: type, id, attributes, relationships");
    }
  }
  if (!has_attributes) return Bad(where.Member("attributes"), "attributes is required");
  return Status::Ok();
}

}  // namespace

Result<UploadBody> ParseUploadBody(std::string_view body, std::string_view input_id) {
  // Bodies up to this size reuse the thread's parser, which keeps its
  // buffers between requests; a larger one gets a parser of its own, freed
  // on return, so that one 16 MiB body does not leave several times its
  // size allocated on an I/O thread for good.
  constexpr size_t kReusedParserBytes = 2 * 1024 * 1024;
  thread_local simdjson::dom::parser reused_parser;
  std::optional<simdjson::dom::parser> own_parser;
  simdjson::dom::parser& parser =
      body.size() <= kReusedParserBytes ? reused_parser : own_parser.emplace();
  const Location root_location;
  const Location data_location = root_location.Member("data");
  element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error) {
    return Bad(root_location,
               std::string("request body is not valid JSON: ") + simdjson::error_message(error));
  }
  object document;
  if (root.get_object().get(document) != simdjson::SUCCESS) {
    return Bad(root_location, "request body must be a JSON object with a data member");
  }
  // Two `data` members fail like any repeated member: which one to store
  // would be a guess. Other top-level members are ignored, so they are only
  // counted, never compared pairwise (a body may hold very many).
  size_t data_members = 0;
  for (auto field : document) data_members += field.key == "data" ? 1 : 0;
  if (data_members > 1) return Bad(data_location, "member 'data' appears more than once");
  element data;
  if (document["data"].get(data) != simdjson::SUCCESS) {
    return Bad(data_location, "data is required");
  }
  UploadBody upload;
  if (data.is_object()) {
    if (body.size() > kMaxSingleBodyBytes) {
      return Status::PayloadTooLarge("a single-reading body may be at most " +
                                     std::to_string(kMaxSingleBodyBytes) + " bytes, got " +
                                     std::to_string(body.size()));
    }
    upload.readings.emplace_back();
    DC_RETURN_IF_ERROR(ParseResource(data, data_location, input_id, &upload.readings.back()));
    return upload;
  }
  simdjson::dom::array elements;
  if (data.get_array().get(elements) != simdjson::SUCCESS) {
    return Bad(data_location, "data must be a SensorData object or an array of them");
  }
  const size_t count = elements.size();
  if (count == 0) return Bad(data_location, "data must not be an empty array");
  if (count > kMaxBatchElements) {
    return Bad(data_location, "a batch may hold at most " + std::to_string(kMaxBatchElements) +
                                  " readings, got " + std::to_string(count));
  }
  upload.is_batch = true;
  upload.readings.resize(count);
  size_t index = 0;
  for (element item : elements) {
    DC_RETURN_IF_ERROR(
        ParseResource(item, data_location.Element(index), input_id, &upload.readings[index]));
    ++index;
  }
  return upload;
}

}  // namespace dc
