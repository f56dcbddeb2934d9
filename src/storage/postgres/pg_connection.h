#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dc::postgres {

struct PgResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

// Parameters of a query, in PostgreSQL's text format; nullopt is NULL.
using Params = std::vector<std::optional<std::string>>;

// One libpq connection. Every call blocks until PostgreSQL answered; an
// error is a Status (pg_status.h), never an exception. Not thread-safe: a
// connection belongs to one thread at a time (pg_pool.h lends them out).
class PgConnection {
 public:
  // `conninfo` is whatever libpq takes: a postgresql:// URL or a keyword
  // string. Unavailable when the server cannot be reached or refuses.
  static Result<PgConnection> Open(const std::string& conninfo);

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  // Runs SQL without parameters (several statements allowed), for its effect.
  Status Exec(std::string_view sql, std::string_view what);
  // Runs `sql` between BEGIN and COMMIT; on a failure rolls back, so that
  // the connection is fit for the next call.
  Status ExecTransaction(std::string_view sql, std::string_view what);
  // Runs one statement with parameters; the whole answer in memory.
  Result<PgResult> Query(const char* sql, const Params& params, std::string_view what);
  // Runs one statement and hands its rows to `on_row` one at a time, as
  // they arrive (libpq's single-row mode), so that a large answer never
  // sits in memory whole. `on_row` gets a result of one row.
  Status QueryRows(const char* sql, const Params& params, std::string_view what,
                   const std::function<void(const PGresult* row)>& on_row);
  // COPY ... FROM STDIN: `copy_sql` starts it, `data` is what is sent (in
  // the format the statement names), then the copy is ended.
  Status CopyIn(const char* copy_sql, std::string_view data, std::string_view what);

  // True once the connection is lost; the pool drops such a connection.
  bool broken() const;
  // Whether the last statement that failed (later ones may have succeeded,
  // such as the ROLLBACK after it) was chosen by PostgreSQL to end a
  // deadlock or a serialization conflict (SQLSTATE class 40): nothing of its
  // transaction is stored and the same transaction again may succeed.
  bool lost_a_race() const { return last_sqlstate_.starts_with("40"); }
  PGconn* raw() { return connection_.get(); }

 private:
  struct Finish {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  // Drains what a failed or finished statement left, so that the next one
  // starts clean.
  void DiscardResults();
  // StatusFromResult and StatusFromConnection, remembering the SQLSTATE
  // (none for a lost connection) for lost_a_race().
  Status Failed(const PGresult* result, std::string_view what);
  Status LostConnection(std::string_view what);

  std::unique_ptr<PGconn, Finish> connection_;
  std::string last_sqlstate_;
};

// Text of column `column` of row `row`, or nullopt when NULL.
std::optional<std::string_view> TextAt(const PGresult* result, int row, int column);
// Column values parsed from text; the caller knows they are not NULL.
int64_t Int64At(const PGresult* result, int row, int column);
double DoubleAt(const PGresult* result, int row, int column);

}  // namespace dc::postgres
