#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "api/routes.h"
#include "catalog/catalog_cache.h"
#include "cli/systemd_notify.h"
#include "common/thread_pool.h"
#include "http/server.h"
#include "storage/store.h"

namespace dc::cli {
namespace {

// How often the server looks for catalog changes made by the CLI: SPEC.md
// promises they are seen within a second.
constexpr std::chrono::milliseconds kCatalogPoll{250};
// Threads answering fetches; as many as the store's reader connections.
constexpr unsigned kReadThreads = 4;

}  // namespace

int Serve(const ServeArgs& args) {
  if (!args.tls_cert.empty() || !args.tls_key.empty()) {
    spdlog::error("HTTPS (--tls-cert/--tls-key) is not available in this build yet");
    return 2;
  }
  auto store = OpenStore(args.db_url, args.store);
  if (!store) {
    spdlog::error("cannot open the database {}: {}", args.db_url, store.error().detail());
    return 1;
  }
  auto catalog = CatalogCache::Open(**store, kCatalogPoll);
  if (!catalog) {
    spdlog::error("cannot load the catalog: {}", catalog.error().detail());
    return 1;
  }
  IngestWriter writer(**store, args.ingest);
  // Storage reads block; they run here, never on the I/O threads.
  ThreadPool reads(kReadThreads);
  http::HttpServer server(api::BuildRouter(**catalog, writer, **store, reads), args.http);
  auto port = server.Listen();
  if (!port) {
    spdlog::error("{}", port.error().detail());
    return 1;
  }
  const std::string& listen = args.http.listen;
  const std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("datacooee listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);
  NotifyReady("listening on " + host + ":" + std::to_string(*port));

  server.Run([] {
    NotifyStopping();
    spdlog::info("shutting down: finishing in-flight requests");
  });
  writer.Stop();
  const IngestWriter::Stats stats = writer.stats();
  spdlog::info("stopped; {} readings stored in {} commits ({:.1f} readings per commit)",
               stats.readings, stats.commits,
               stats.commits ? static_cast<double>(stats.readings) / stats.commits : 0.0);
  return 0;
}

}  // namespace dc::cli
