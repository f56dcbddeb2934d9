#pragma once

#include "common/result.h"
#include "storage/postgres/pg_connection.h"

namespace dc::postgres {

// BEGIN on construction (Begin), ROLLBACK on destruction unless committed,
// so that every early return of a failed step leaves the connection clean.
class PgTransaction {
 public:
  // `begin` may name the isolation level ("BEGIN ISOLATION LEVEL ...").
  static Result<PgTransaction> Begin(PgConnection& connection, std::string_view what,
                                     std::string_view begin = "BEGIN");
  PgTransaction(PgTransaction&& other) noexcept
      : connection_(other.connection_), open_(other.open_) {
    other.open_ = false;
  }
  PgTransaction& operator=(PgTransaction&&) = delete;
  ~PgTransaction();

  Status Commit(std::string_view what);

 private:
  explicit PgTransaction(PgConnection& connection) : connection_(connection) {}
  PgConnection& connection_;
  bool open_ = true;
};

}  // namespace dc::postgres
