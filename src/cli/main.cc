// datacooee: the server and its setup commands (docs/api.md "Setting up"). This
// is the composition root: it parses the command line and wires the layers.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/backup_commands.h"
#include "cli/serve_command.h"
#include "cli/setup_commands.h"
#include "storage/store_factory.h"

namespace {

using dc::Result;

std::string DefaultDbUrl() {
  const char* env = std::getenv("DATACOOEE_DB");
  return env && *env ? env : "sqlite:./datacooee.db";
}

// Opens the store, runs one setup command, prints its JSON or the error.
template <typename Command>
int RunSetup(const std::string& db_url, Command command) {
  // Catalog only: a setup command must work while the server runs.
  auto store = dc::OpenStore(db_url, dc::StoreOptions{.write_readings = false});
  if (!store) {
    std::fprintf(stderr, "error: cannot open the database %s: %s\n",
                 dc::DescribeStoreUrl(db_url).c_str(), store.error().detail().c_str());
    return 1;
  }
  Result<std::string> out = command(**store);
  if (!out) {
    std::fprintf(stderr, "error: %s\n", out.error().detail().c_str());
    return 1;
  }
  std::printf("%s\n", out->c_str());
  return 0;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? comma : comma - start);
    const size_t first = part.find_first_not_of(' ');
    const size_t last = part.find_last_not_of(' ');
    parts.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

}  // namespace

int main(int argc, char** argv) {
  // stdout carries only command output (JSON, the "listening" line); logs go
  // to stderr. A closed stdout must not kill the server.
  spdlog::set_default_logger(spdlog::stderr_color_mt("datacooee"));
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"datacooee: IoT sensor-data server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("datacooee ") + DATACOOEE_VERSION);
  std::string db_url = DefaultDbUrl();
  app.add_option("--db", db_url,
                 "database URL: sqlite:PATH or PATH, or postgresql://user[:password]@host:port/db "
                 "or a libpq keyword string (default ./datacooee.db, or $DATACOOEE_DB)");

  int exit_code = 0;

  // serve
  dc::cli::ServeArgs serve;
  std::string sync = "full";
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "run the HTTP(S) server; every option may also come from the environment variable "
      "shown (a flag wins)");
  // Every option has an environment variable, DATACOOEE_ and the flag in
  // upper snake case, for systemd and containers.
  const auto env = [](CLI::Option* option, const char* name) { return option->envname(name); };
  env(serve_cmd->add_option("--db", db_url, "database URL"), "DATACOOEE_DB");
  env(serve_cmd->add_option("--listen", serve.http.listen, "HOST:PORT to listen on"),
      "DATACOOEE_LISTEN")
      ->capture_default_str();
  env(serve_cmd->add_option("--sync", sync,
                            "full: fsync every commit (default); normal: survive a process crash "
                            "but maybe not a power loss"),
      "DATACOOEE_SYNC")
      ->check(CLI::IsMember({"full", "normal"}));
  env(serve_cmd->add_option("--threads", serve.http.threads, "I/O threads (default: one per core)"),
      "DATACOOEE_THREADS");
  env(serve_cmd->add_option("--read-threads", serve.store.read_connections,
                            "threads answering fetches, and as many store read connections: "
                            "reads beyond this many at once wait their turn"),
      "DATACOOEE_READ_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  env(serve_cmd->add_option("--db-writers", serve.backend.postgres.writer_connections,
                            "PostgreSQL: transactions storing uploads at once, each on a "
                            "connection of its own (SQLite has one writer)"),
      "DATACOOEE_DB_WRITERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  env(serve_cmd->add_option("--max-connections", serve.http.max_connections,
                            "open connections beyond this take the place of the longest idle, "
                            "or are refused with 503; lowered (with a warning) to what the "
                            "open-file limit leaves room for"),
      "DATACOOEE_MAX_CONNECTIONS")
      ->capture_default_str();
  int64_t idle_ms = serve.http.idle_timeout.count();
  int64_t header_ms = serve.http.header_timeout.count();
  int64_t body_ms = serve.http.body_timeout.count();
  env(serve_cmd->add_option("--idle-timeout-ms", idle_ms,
                            "close a keep-alive connection idle this long"),
      "DATACOOEE_IDLE_TIMEOUT_MS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  env(serve_cmd->add_option("--header-timeout-ms", header_ms,
                            "a request head (and a TLS handshake) must arrive within this, from "
                            "its first byte"),
      "DATACOOEE_HEADER_TIMEOUT_MS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  env(serve_cmd->add_option("--body-timeout-ms", body_ms,
                            "a request body must arrive within this, once its head is read"),
      "DATACOOEE_BODY_TIMEOUT_MS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  env(serve_cmd->add_option("--tls-cert", serve.http.tls_cert,
                            "certificate chain file (PEM): serve HTTPS only; SIGHUP reloads it"),
      "DATACOOEE_TLS_CERT");
  env(serve_cmd->add_option("--tls-key", serve.http.tls_key,
                            "private key file (PEM) of --tls-cert; SIGHUP reloads it"),
      "DATACOOEE_TLS_KEY");
  env(serve_cmd->add_option("--log-level", serve.log.level,
                            "trace, debug, info, warn, error, critical or off"),
      "DATACOOEE_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  env(serve_cmd->add_option("--log-format", serve.log.format,
                            "text, or json: one JSON object per line on stderr"),
      "DATACOOEE_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  env(serve_cmd->add_option("--access-log", serve.log.access_log,
                            "one log line per request (true or false)"),
      "DATACOOEE_ACCESS_LOG")
      ->capture_default_str();
  env(serve_cmd->add_option("--metrics-token", serve.metrics_token,
                            "when set, GET /metrics needs the header Authorization: Bearer TOKEN"),
      "DATACOOEE_METRICS_TOKEN");
  serve_cmd->callback([&] {
    serve.db_url = db_url;
    serve.http.idle_timeout = std::chrono::milliseconds(idle_ms);
    serve.http.header_timeout = std::chrono::milliseconds(header_ms);
    serve.http.body_timeout = std::chrono::milliseconds(body_ms);
    serve.store.sync = sync == "normal" ? dc::SyncMode::kNormal : dc::SyncMode::kFull;
    exit_code = dc::cli::Serve(serve);
  });

  // org
  auto* org_cmd = app.add_subcommand("org", "organisations");
  org_cmd->require_subcommand(1);
  dc::cli::OrgCreateArgs org_create;
  auto* org_create_cmd = org_cmd->add_subcommand("create", "create an organisation");
  org_create_cmd->add_option("--db", db_url, "database URL");
  org_create_cmd->add_option("--name", org_create.name, "organisation name")->required();
  org_create_cmd->add_option("--id", org_create.id, "import an existing organisation id");
  org_create_cmd->add_option("--api-key", org_create.api_key, "import an existing API key");
  org_create_cmd->callback([&] {
    exit_code = RunSetup(db_url, [&](dc::Store& s) { return dc::cli::OrgCreate(s, org_create); });
  });
  std::string rotate_org;
  auto* rotate_cmd = org_cmd->add_subcommand("rotate-key", "replace an organisation's API key");
  rotate_cmd->add_option("--db", db_url, "database URL");
  rotate_cmd->add_option("--org", rotate_org, "organisation id")->required();
  rotate_cmd->callback([&] {
    exit_code =
        RunSetup(db_url, [&](dc::Store& s) { return dc::cli::OrgRotateKey(s, rotate_org); });
  });

  // input
  auto* input_cmd = app.add_subcommand("input", "inputs (sensor streams)");
  input_cmd->require_subcommand(1);
  dc::cli::InputCreateArgs input_create;
  auto* input_create_cmd = input_cmd->add_subcommand("create", "create an input");
  input_create_cmd->add_option("--db", db_url, "database URL");
  input_create_cmd->add_option("--org", input_create.org_id, "organisation id")->required();
  input_create_cmd->add_option("--name", input_create.name, "input name")->required();
  input_create_cmd->add_option("--unit", input_create.unit, "measure unit");
  input_create_cmd->add_option("--source", input_create.source, "API (default) or MQTT");
  input_create_cmd->add_option("--id", input_create.id, "import an existing input id");
  input_create_cmd->callback([&] {
    exit_code =
        RunSetup(db_url, [&](dc::Store& s) { return dc::cli::InputCreate(s, input_create); });
  });

  // asset
  auto* asset_cmd = app.add_subcommand("asset", "assets (groups of inputs)");
  asset_cmd->require_subcommand(1);
  dc::cli::AssetCreateArgs asset_create;
  std::string asset_inputs;
  auto* asset_create_cmd = asset_cmd->add_subcommand("create", "create an asset");
  asset_create_cmd->add_option("--db", db_url, "database URL");
  asset_create_cmd->add_option("--org", asset_create.org_id, "organisation id")->required();
  asset_create_cmd->add_option("--name", asset_create.name, "asset name")->required();
  asset_create_cmd->add_option("--inputs", asset_inputs, "comma-separated input ids, in order");
  asset_create_cmd->add_option("--id", asset_create.id, "asset id (positive integer)");
  asset_create_cmd->callback([&] {
    if (!asset_inputs.empty()) asset_create.inputs = SplitCommas(asset_inputs);
    exit_code =
        RunSetup(db_url, [&](dc::Store& s) { return dc::cli::AssetCreate(s, asset_create); });
  });
  std::string add_org, add_input;
  int64_t add_asset = 0;
  auto* add_cmd = asset_cmd->add_subcommand("add-input", "append an input to an asset");
  add_cmd->add_option("--db", db_url, "database URL");
  add_cmd->add_option("--org", add_org, "organisation id")->required();
  add_cmd->add_option("--asset", add_asset, "asset id")->required();
  add_cmd->add_option("--input", add_input, "input id")->required();
  add_cmd->callback([&] {
    exit_code = RunSetup(db_url, [&](dc::Store& s) {
      return dc::cli::AssetAddInput(s, add_org, add_asset, add_input);
    });
  });

  // backup, restore
  dc::cli::AddBackupCommands(app, db_url, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end with 0; every usage error with 2, whatever
    // CLI11's own code for it (docs/api.md, "Setting up").
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
