#include "cli/logging.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace dc::cli {
namespace {

constexpr char kTextPattern[] = "%Y-%m-%dT%H:%M:%S.%fZ %l %v";
// %* is the message as a JSON string (JsonMessage below).
constexpr char kJsonPattern[] = R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":%*})";

// Writes the message as a JSON string, escaped by RapidJSON.
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(msg.payload.data(), static_cast<rapidjson::SizeType>(msg.payload.size()));
    dest.append(buffer.GetString(), buffer.GetString() + buffer.GetSize());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

std::unique_ptr<spdlog::formatter> Formatter(const char* pattern) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessage>('*').set_pattern(pattern);
  return formatter;
}

}  // namespace

Status ConfigureLogging(const LogOptions& options) {
  const spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Status::InvalidArgument(
        "--log-level must be trace, debug, info, warn, error, "
        "critical or off, got '" +
        options.level + "'");
  }
  if (options.format != "text" && options.format != "json") {
    return Status::InvalidArgument("--log-format must be text or json, got '" + options.format +
                                   "'");
  }
  const bool json = options.format == "json";
  auto logger = spdlog::stderr_color_mt("datacooee-server");
  logger->sinks().front()->set_formatter(Formatter(json ? kJsonPattern : kTextPattern));
  logger->set_level(level);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace dc::cli
