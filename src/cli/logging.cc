#include "cli/logging.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace dc::cli {
namespace {

constexpr char kTextPattern[] = "%Y-%m-%dT%H:%M:%S.%fZ %l %v";
// %* is the message as a JSON string (JsonMessage below); %v, used by the
// access log, is a run of JSON members the caller has written.
constexpr char kJsonPattern[] = R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":%*})";
constexpr char kJsonAccessPattern[] =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"request",%v})";
constexpr char kAccessLogger[] = "access";

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

bool IsHealthCheck(std::string_view route) { return route == "/healthz" || route == "/readyz"; }

double Milliseconds(std::chrono::nanoseconds duration) {
  return static_cast<double>(duration.count()) / 1e6;
}

// Client-chosen text (the method) made safe for a space-separated line.
std::string Token(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 32)) {
    const bool plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    out += plain ? c : '?';
  }
  return out.empty() ? "-" : out;
}

std::string TextLine(const http::RequestRecord& r) {
  return fmt::format(
      "request method={} route={} status={} bytes={} duration_ms={:.3f} org={} "
      "peer={} tls={}{}",
      Token(r.method), r.route.empty() ? "-" : r.route, r.status, r.body_bytes,
      Milliseconds(r.duration), r.principal.empty() ? "-" : r.principal,
      r.peer.empty() ? "-" : r.peer, r.tls ? "yes" : "no", r.sent ? "" : " unsent=yes");
}

std::string JsonMembers(const http::RequestRecord& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto string = [&writer](const char* key, std::string_view value) {
    writer.Key(key);
    if (value.empty()) return writer.Null();
    return writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  string("method", r.method);
  string("route", r.route);
  writer.Key("status");
  writer.Int(r.status);
  writer.Key("bytes");
  writer.Uint64(r.body_bytes);
  writer.Key("duration_ms");
  writer.Double(Milliseconds(r.duration));
  string("org", r.principal);
  string("peer", r.peer);
  writer.Key("tls");
  writer.Bool(r.tls);
  writer.Key("sent");
  writer.Bool(r.sent);
  writer.EndObject();
  // The members without the braces: the pattern supplies them.
  return std::string(buffer.GetString() + 1, buffer.GetSize() - 2);
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
  if (json) logger->sinks().front()->set_formatter(Formatter(kJsonPattern));
  if (!json) logger->sinks().front()->set_formatter(Formatter(kTextPattern));
  logger->set_level(level);
  spdlog::set_default_logger(logger);
  if (!options.access_log) return Status::Ok();

  spdlog::init_thread_pool(8192, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sink->set_formatter(Formatter(json ? kJsonAccessPattern : kTextPattern));
  auto access = std::make_shared<spdlog::async_logger>(
      kAccessLogger, sink, spdlog::thread_pool(), spdlog::async_overflow_policy::overrun_oldest);
  access->set_level(level);
  spdlog::register_logger(access);
  return Status::Ok();
}

http::RequestObserver MakeAccessLog(const LogOptions& options) {
  std::shared_ptr<spdlog::logger> access = spdlog::get(kAccessLogger);
  if (!options.access_log || !access) return {};
  const bool json = options.format == "json";
  return [access, json](const http::RequestRecord& record) {
    const auto level = IsHealthCheck(record.route) ? spdlog::level::debug : spdlog::level::info;
    if (!access->should_log(level)) return;
    try {
      access->log(level, json ? JsonMembers(record) : TextLine(record));
    } catch (const std::exception&) {
      // Out of memory for one log line: the request was answered anyway.
    }
  };
}

}  // namespace dc::cli
