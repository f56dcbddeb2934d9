#include "storage/postgres/pg_status.h"

#include <string>

namespace dc::postgres {
namespace {

std::string Describe(std::string_view what, std::string_view message) {
  std::string text(what);
  text += ": ";
  // libpq ends its messages with a newline.
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  text += message;
  return text;
}

// Citus reports a worker lost in the middle of a transaction (a connection
// it had already opened there) as an internal error, SQLSTATE XX000, with
// this message (remote_transaction.c); a worker it cannot reach at all is
// 08006 like any connection failure. Both mean "try again when the node is
// back" (docs/scaling.md, "When a node is down").
bool IsLostCitusNode(std::string_view sqlstate, std::string_view message) {
  return sqlstate == "XX000" &&
         message.find("failure on connection marked as essential") != std::string_view::npos;
}

}  // namespace

Status StatusFromSqlState(std::string_view sqlstate, std::string_view message,
                          std::string_view what) {
  const std::string detail = Describe(what, message);
  const std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate == "23505") return Status::Conflict(detail);
  // 08 connection exception, 53 insufficient resources (disk full, out of
  // memory, too many connections), 57 operator intervention (shutdown,
  // cancel), 58 system error (I/O), 40 transaction rollback (serialization
  // failure, deadlock), 25006 read-only transaction (a standby).
  if (cls == "08" || cls == "53" || cls == "57" || cls == "58" || cls == "40" ||
      sqlstate == "25006" || IsLostCitusNode(sqlstate, message)) {
    return Status::Unavailable(detail);
  }
  // 22 data exception, 23 integrity constraint violation.
  if (cls == "22" || cls == "23") return Status::InvalidArgument(detail);
  return Status::Internal(detail);
}

Status StatusFromResult(const PGresult* result, std::string_view what) {
  if (result == nullptr) return Status::Unavailable(std::string(what) + ": no answer");
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* message = PQresultErrorMessage(result);
  // A result without SQLSTATE comes from libpq itself: the connection broke.
  if (state == nullptr) return Status::Unavailable(Describe(what, message ? message : ""));
  return StatusFromSqlState(state, message ? message : "", what);
}

Status StatusFromConnection(const PGconn* connection, std::string_view what) {
  const char* message = connection != nullptr ? PQerrorMessage(connection) : "out of memory";
  return Status::Unavailable(Describe(what, message));
}

}  // namespace dc::postgres
