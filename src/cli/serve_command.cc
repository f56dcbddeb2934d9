#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "api/routes.h"
#include "catalog/catalog_cache.h"
#include "cli/access_log.h"
#include "cli/systemd_notify.h"
#include "common/thread_pool.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "metrics/server_metrics.h"
#include "storage/store_factory.h"

namespace dc::cli {
namespace {

// How often the server looks for catalog changes made by the CLI: docs/api.md
// ("Setting up") promises they are seen within a second.
constexpr std::chrono::milliseconds kCatalogPoll{250};

int ServeWithLogging(const ServeArgs& args) {
  // A bad certificate is reported before the store is opened (which may
  // take a while: it merges what a crash left); the server loads it again.
  const http::ServerOptions& http = args.http;
  if (!http.tls_cert.empty() || !http.tls_key.empty()) {
    if (auto tls = http::LoadTlsContext(http.tls_cert, http.tls_key); !tls) {
      spdlog::error("{}", tls.error().detail());
      return 2;
    }
  }
  // Before everything it measures: the store and the writer record into it.
  metrics::ServerMetrics metrics;
  StoreOptions store_options = args.store;
  store_options.sync_seconds = &metrics.store_sync_seconds();
  IngestOptions ingest_options = args.ingest;
  ingest_options.metrics = &metrics.ingest();
  auto store = OpenStore(args.db_url, store_options, args.backend);
  if (!store) {
    spdlog::error("cannot open the database {}: {}", DescribeStoreUrl(args.db_url),
                  store.error().detail());
    return 1;
  }
  auto catalog = CatalogCache::Open(**store, kCatalogPoll);
  if (!catalog) {
    spdlog::error("cannot load the catalog: {}", catalog.error().detail());
    return 1;
  }
  IngestWriter writer(**store, ingest_options);
  // Storage reads block; they run here, never on the I/O threads. One
  // thread per read connection of the store (--read-threads): more would
  // only wait for a connection, fewer leave connections unused.
  ThreadPool reads(static_cast<unsigned>(store_options.read_connections));
  api::OpsOptions ops{.metrics = &metrics, .metrics_token = args.metrics_token};
  // Hidden, for tests only: a small bound on fetch answers, so that a test
  // can cross it without storing 256 MiB of readings.
  if (const char* bound = std::getenv("DATACOOEE_MAX_FETCH_ANSWER_BYTES")) {
    if (const auto bytes = std::strtoull(bound, nullptr, 10); bytes > 0) {
      ops.max_fetch_answer_bytes = bytes;
    }
  }
  // Outlives the server, whose I/O threads write to it. Its lines are at
  // info level (health checks at debug), so --log-level warn silences it.
  std::unique_ptr<AccessLog> access_log;
  if (args.log.access_log && spdlog::should_log(spdlog::level::info)) {
    access_log = std::make_unique<AccessLog>(args.log.format == "json",
                                             spdlog::should_log(spdlog::level::debug));
  }
  http::HttpServer server(api::BuildRouter(**catalog, writer, **store, reads, ops), args.http,
                          [&metrics, log = access_log.get()](const http::RequestRecord& record) {
                            if (log) log->Record(record);
                            metrics.RecordRequest(record.route, record.method, record.status,
                                                  record.duration);
                          });
  Store& opened = **store;
  metrics.SetProbes({
      .open_connections = [&server] { return static_cast<double>(server.OpenConnections()); },
      .connection_limit = [&server] { return static_cast<double>(server.ConnectionLimit()); },
      .queued_readings = [&writer] { return static_cast<double>(writer.queued_readings()); },
      .store_size_bytes = [&opened] { return static_cast<double>(opened.SizeOnDisk()); },
  });
  auto port = server.Listen();
  if (!port) {
    spdlog::error("{}", port.error().detail());
    return 1;
  }
  const std::string& listen = args.http.listen;
  const std::string host = listen.substr(0, listen.rfind(':'));
  const std::string listening =
      fmt::format("listening on {}://{}:{}", server.scheme(), host, *port);
  std::printf("datacooee %s\n", listening.c_str());
  std::fflush(stdout);
  spdlog::info("{} (at most {} connections)", listening, server.ConnectionLimit());
  NotifyReady(listening);

  server.Run([] {
    NotifyStopping();
    spdlog::info("shutting down: finishing in-flight requests");
  });
  writer.Stop();
  metrics.SetProbes({});  // the server and the writer go before the metrics
  const IngestWriter::Stats stats = writer.stats();
  spdlog::info("stopped; {} readings stored in {} commits ({:.1f} readings per commit)",
               stats.readings, stats.commits,
               stats.commits ? static_cast<double>(stats.readings) / stats.commits : 0.0);
  return 0;
}

}  // namespace

int Serve(const ServeArgs& args) {
  if (Status logging = ConfigureLogging(args.log); !logging.ok()) {
    std::fprintf(stderr, "error: %s\n", logging.detail().c_str());
    return 2;
  }
  spdlog::info("datacooee {} starting; store {}", DATACOOEE_VERSION, DescribeStoreUrl(args.db_url));
  const int code = ServeWithLogging(args);
  spdlog::shutdown();
  return code;
}

}  // namespace dc::cli
