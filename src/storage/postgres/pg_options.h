#pragma once

namespace dc::postgres {

// Tuning of the PostgreSQL backend alone, beside the StoreOptions every
// backend takes. Every field states its default.
struct PgOptions {
  // Transactions storing uploads at once, each on a writer connection of
  // its own (the ingest writer runs as many threads). One transaction keeps
  // one database backend busy, so a single writer leaves every other core
  // of the database machine idle under a bulk load; on 2 cores, 2 writers
  // stored a 5,000-reading-batch load ~1.6× as fast as 1
  // (docs/postgresql.md, "Writers").
  int writer_connections = 2;
};

}  // namespace dc::postgres
