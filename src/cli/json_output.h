#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace dc::cli {

// The one JSON object a command prints, written with RapidJSON.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void Field(JsonWriter& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace dc::cli
