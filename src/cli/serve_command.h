#pragma once

#include <string>

#include "http/server_options.h"
#include "ingest/ingest_writer.h"
#include "storage/store_options.h"

namespace dc::cli {

struct ServeArgs {
  std::string db_url;
  StoreOptions store;
  http::ServerOptions http;
  IngestOptions ingest;
  std::string tls_cert;
  std::string tls_key;
  // When set, GET /metrics needs `Authorization: Bearer` this token.
  std::string metrics_token;
};

// Runs the server until SIGINT/SIGTERM: opens the store, starts the catalog
// follower and the ingest writer, serves HTTP, then stops accepting, lets
// in-flight requests finish, commits, and returns 0. Prints
// "datacooee listening on http://HOST:PORT" on stdout once ready. Returns
// the process exit code.
int Serve(const ServeArgs& args);

}  // namespace dc::cli
