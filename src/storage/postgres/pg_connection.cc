#include "storage/postgres/pg_connection.h"

#include <charconv>
#include <cstdlib>

#include "storage/postgres/pg_status.h"

namespace dc::postgres {
namespace {

// Pointers libpq takes for text parameters.
struct ParamPointers {
  std::vector<const char*> values;
  explicit ParamPointers(const Params& params) {
    values.reserve(params.size());
    for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  }
  int count() const { return static_cast<int>(values.size()); }
};

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE;
}

}  // namespace

Result<PgConnection> PgConnection::Open(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  PgConnection connection(raw);
  if (raw == nullptr || PQstatus(raw) != CONNECTION_OK) {
    return StatusFromConnection(raw, "cannot connect to PostgreSQL");
  }
  // Notices (e.g. "relation already exists, skipping") are not errors and
  // would go to stderr, unformatted, beside the server's own log.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  return connection;
}

bool PgConnection::broken() const {
  return connection_ == nullptr || PQstatus(connection_.get()) != CONNECTION_OK;
}

Status PgConnection::Failed(const PGresult* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  return StatusFromResult(result, what);
}

Status PgConnection::LostConnection(std::string_view what) {
  last_sqlstate_.clear();
  return StatusFromConnection(connection_.get(), what);
}

void PgConnection::DiscardResults() {
  while (PGresult* left = PQgetResult(connection_.get())) PQclear(left);
}

Status PgConnection::Exec(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  PgResult result(PQexec(connection_.get(), text.c_str()));
  if (result == nullptr) return LostConnection(what);
  if (!Succeeded(result.get())) return Failed(result.get(), what);
  return Status::Ok();
}

Status PgConnection::ExecTransaction(std::string_view sql, std::string_view what) {
  std::string text = "BEGIN;\n";
  text += sql;
  text += "\nCOMMIT;";
  Status done = Exec(text, what);
  if (!done.ok() && !broken()) (void)Exec("ROLLBACK", what);
  return done;
}

Result<PgResult> PgConnection::Query(const char* sql, const Params& params, std::string_view what) {
  const ParamPointers pointers(params);
  PgResult result(PQexecParams(connection_.get(), sql, pointers.count(), nullptr,
                               pointers.values.data(), nullptr, nullptr, 0));
  if (result == nullptr) return LostConnection(what);
  if (!Succeeded(result.get())) return Failed(result.get(), what);
  return result;
}

Status PgConnection::QueryRows(const char* sql, const Params& params, std::string_view what,
                               const std::function<void(const PGresult* row)>& on_row) {
  PGconn* c = connection_.get();
  const ParamPointers pointers(params);
  if (PQsendQueryParams(c, sql, pointers.count(), nullptr, pointers.values.data(), nullptr, nullptr,
                        0) == 0) {
    return LostConnection(what);
  }
  PQsetSingleRowMode(c);
  Status outcome = Status::Ok();
  while (PGresult* raw = PQgetResult(c)) {
    PgResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_SINGLE_TUPLE) {
      // After a failure the rest is drained unread.
      if (outcome.ok()) on_row(raw);
    } else if (!Succeeded(raw) && outcome.ok()) {
      outcome = Failed(raw, what);
    }
  }
  if (outcome.ok() && broken()) return LostConnection(what);
  return outcome;
}

Status PgConnection::CopyIn(const char* copy_sql, std::string_view data, std::string_view what) {
  PGconn* c = connection_.get();
  PgResult started(PQexec(c, copy_sql));
  if (started == nullptr) return LostConnection(what);
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return Failed(started.get(), what);
  // libpq buffers; large data goes in pieces so that no single call copies
  // it whole.
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(c, data.data() + at, static_cast<int>(n)) != 1) {
      DiscardResults();
      return LostConnection(what);
    }
  }
  if (PQputCopyEnd(c, nullptr) != 1) {
    DiscardResults();
    return LostConnection(what);
  }
  Status outcome = Status::Ok();
  while (PGresult* raw = PQgetResult(c)) {
    PgResult result(raw);
    if (!Succeeded(raw) && outcome.ok()) outcome = Failed(raw, what);
  }
  return outcome;
}

std::optional<std::string_view> TextAt(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::nullopt;
  return std::string_view(PQgetvalue(result, row, column),
                          static_cast<size_t>(PQgetlength(result, row, column)));
}

int64_t Int64At(const PGresult* result, int row, int column) {
  const char* text = PQgetvalue(result, row, column);
  int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result, row, column), value);
  return value;
}

double DoubleAt(const PGresult* result, int row, int column) {
  // PostgreSQL 12 and later print a float8 as the shortest text that reads
  // back to the same double (extra_float_digits 1, the default): exact.
  // strtod also takes "Infinity" and "NaN", which from_chars does not.
  return std::strtod(PQgetvalue(result, row, column), nullptr);
}

}  // namespace dc::postgres
