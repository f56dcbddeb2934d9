#include "cli/backup_commands.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/json_output.h"
#include "storage/store_factory.h"

namespace dc::cli {
namespace {

// A backup waits this long for a merge of the running server to commit
// before it takes its snapshot (the server's merges are large transactions).
constexpr int kBackupBusyTimeoutMs = 30'000;

struct BackupArgs {
  std::string to;
  bool force = false;
};

void PrintSummary(const char* path_key, const std::string& path, const BackupSummary& summary,
                  double seconds, const std::string* from) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Field(w, path_key, path);
  if (from != nullptr) Field(w, "from", *from);
  w.Key("bytes");
  w.Int64(summary.bytes);
  w.Key("readings");
  if (summary.readings >= 0) {
    w.Int64(summary.readings);
  } else {
    w.Null();
  }
  w.Key("seconds");
  w.Double(static_cast<double>(static_cast<int64_t>(seconds * 1000)) / 1000);
  w.EndObject();
  std::printf("%s\n", buffer.GetString());
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int RunBackup(const std::string& db_url, const BackupArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  // Merging the copied ingest log into the copy is a crash recovery to the
  // storage layer, which says so at info level; here it is routine.
  spdlog::set_level(std::max(spdlog::get_level(), spdlog::level::warn));
  // Catalog only: the running server keeps writing readings meanwhile.
  const StoreOptions options{.busy_timeout_ms = kBackupBusyTimeoutMs, .write_readings = false};
  Result<BackupSummary> summary = BackupStore(db_url, args.to, args.force, options);
  if (!summary) {
    std::fprintf(stderr, "error: backup of %s failed: %s\n", DescribeStoreUrl(db_url).c_str(),
                 summary.error().detail().c_str());
    return 1;
  }
  PrintSummary("path", args.to, *summary, SecondsSince(start), nullptr);
  return 0;
}

int RunRestore(const std::string& db_url, const std::string& from) {
  const auto start = std::chrono::steady_clock::now();
  Result<BackupSummary> summary = RestoreStore(db_url, from);
  if (!summary) {
    std::fprintf(stderr, "error: restore of %s failed, nothing was changed: %s\n",
                 DescribeStoreUrl(db_url).c_str(), summary.error().detail().c_str());
    return 1;
  }
  PrintSummary("restored", db_url, *summary, SecondsSince(start), &from);
  return 0;
}

}  // namespace

void AddBackupCommands(CLI::App& app, std::string& db_url, int& exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand(
      "backup", "write a consistent copy of the database to a file (the server may run)");
  backup->add_option("--db", db_url, "database URL");
  backup->add_option("--to", args->to, "the backup file to write")->required();
  backup->add_flag("--force", args->force, "overwrite the file if it exists");
  backup->callback([&db_url, &exit_code, args] { exit_code = RunBackup(db_url, *args); });

  auto from = std::make_shared<std::string>();
  auto* restore = app.add_subcommand(
      "restore", "replace the database with a backup file (stop the server first)");
  restore->add_option("--db", db_url, "database URL");
  restore->add_option("--from", *from, "the backup file to restore")->required();
  restore->callback([&db_url, &exit_code, from] { exit_code = RunRestore(db_url, *from); });
}

}  // namespace dc::cli
