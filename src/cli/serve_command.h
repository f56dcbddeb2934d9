#pragma once

#include <string>

#include "cli/logging.h"
#include "http/server_options.h"
#include "ingest/ingest_writer.h"
#include "storage/store_factory.h"
#include "storage/store_options.h"

namespace dc::cli {

struct ServeArgs {
  std::string db_url;
  StoreOptions store;
  BackendOptions backend;
  http::ServerOptions http;
  IngestOptions ingest;
  LogOptions log;
  // When set, GET /metrics needs `Authorization: Bearer` this token.
  std::string metrics_token;
};

// Runs the server until SIGINT/SIGTERM: opens the store, starts the catalog
// follower and the ingest writer, serves HTTP, then stops accepting, lets
// in-flight requests finish, commits, and returns 0. Prints
// "datacooee listening on http://HOST:PORT" (https with TLS) on stdout once
// ready. Returns the process exit code: 1 when the store cannot be opened
// or the address bound, 2 for a bad TLS certificate or key, or a bad
// logging option.
int Serve(const ServeArgs& args);

}  // namespace dc::cli
