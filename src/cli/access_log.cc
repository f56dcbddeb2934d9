#include "cli/access_log.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <functional>

namespace dc::cli {
namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(200);

bool IsHealthCheck(std::string_view route) { return route == "/healthz" || route == "/readyz"; }

double Milliseconds(std::chrono::nanoseconds duration) {
  return static_cast<double>(duration.count()) / 1e6;
}

// Now in UTC, as the rest of the log writes it: 2026-12-07T01:10:40.236782Z.
std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch() %
                                                                            std::chrono::seconds(1))
                          .count();
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
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

std::string_view OrDash(std::string_view text) { return text.empty() ? "-" : text; }

void WriteAll(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing else to do with the lines
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

AccessLog::AccessLog(bool json, bool debug) : json_(json), debug_(debug) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(flusher_mutex_);
    stopping_ = true;
  }
  flusher_wake_.notify_one();
  flusher_.join();
  Flush();
}

void AccessLog::Record(const http::RequestRecord& record) {
  const bool health = IsHealthCheck(record.route);
  if (health && !debug_) return;
  try {
    // Threads spread over the shards; each I/O thread keeps to one.
    Shard& shard = shards_[std::hash<std::thread::id>()(std::this_thread::get_id()) % kShards];
    std::unique_lock lock(shard.mutex);
    Format(record, shard.lines);
    if (shard.lines.size() < kBatchBytes) return;
    std::string batch;
    batch.swap(shard.lines);
    lock.unlock();
    std::lock_guard write_lock(write_mutex_);
    WriteAll(batch);
  } catch (const std::exception&) {
    // Out of memory for one log line: the request was answered anyway.
  }
}

void AccessLog::Format(const http::RequestRecord& r, std::string& out) const {
  const char* level = IsHealthCheck(r.route) ? "debug" : "info";
  if (!json_) {
    fmt::format_to(std::back_inserter(out),
                   "{} {} request method={} route={} status={} bytes={} duration_ms={:.3f} "
                   "org={} peer={} tls={}{}\n",
                   UtcNow(), level, Token(r.method), OrDash(r.route), r.status, r.body_bytes,
                   Milliseconds(r.duration), OrDash(r.principal), OrDash(r.peer),
                   r.tls ? "yes" : "no", r.sent ? "" : " unsent=yes");
    return;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto string = [&writer](const char* key, std::string_view value) {
    writer.Key(key);
    if (value.empty()) return writer.Null();
    return writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  string("time", UtcNow());
  string("level", level);
  string("msg", "request");
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
  out.append(buffer.GetString(), buffer.GetSize());
  out += '\n';
}

void AccessLog::FlushShard(Shard& shard) {
  std::string batch;
  {
    std::lock_guard lock(shard.mutex);
    batch.swap(shard.lines);
  }
  if (batch.empty()) return;
  std::lock_guard write_lock(write_mutex_);
  WriteAll(batch);
}

void AccessLog::Flush() {
  for (Shard& shard : shards_) FlushShard(shard);
}

void AccessLog::FlushLoop() {
  std::unique_lock lock(flusher_mutex_);
  while (!stopping_) {
    flusher_wake_.wait_for(lock, kFlushInterval, [this] { return stopping_; });
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace dc::cli
