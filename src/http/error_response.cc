#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "common/utf8.h"
#include "http/response.h"

namespace dc::http {

Response ErrorResponse(const Status& status) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const int code = HttpStatusOf(status.code());
  const std::string code_text = std::to_string(code);
  const std::string_view title = HttpTitleOf(status.code());
  writer.StartObject();
  writer.Key("errors");
  writer.StartArray();
  writer.StartObject();
  writer.Key("status");
  writer.String(code_text.data(), code_text.size());
  writer.Key("title");
  writer.String(title.data(), title.size());
  // Details and sources may echo client bytes; JSON must be valid UTF-8.
  const std::string detail = ToValidUtf8(status.detail());
  writer.Key("detail");
  writer.String(detail.data(), detail.size());
  if (status.source_kind() != Status::SourceKind::kNone) {
    writer.Key("source");
    writer.StartObject();
    const std::string_view member = SourceMemberOf(status.source_kind());
    writer.Key(member.data(), static_cast<rapidjson::SizeType>(member.size()));
    const std::string source = ToValidUtf8(status.source());
    writer.String(source.data(), source.size());
    writer.EndObject();
  }
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();

  Response response;
  response.status = code;
  response.content_type = "application/json";
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

}  // namespace dc::http
