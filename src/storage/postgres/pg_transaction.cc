#include "storage/postgres/pg_transaction.h"

namespace dc::postgres {

Result<PgTransaction> PgTransaction::Begin(PgConnection& connection, std::string_view what,
                                           std::string_view begin) {
  DC_RETURN_IF_ERROR(connection.Exec(begin, what));
  return PgTransaction(connection);
}

PgTransaction::~PgTransaction() {
  if (open_ && !connection_.broken()) (void)connection_.Exec("ROLLBACK", "rolling back");
}

Status PgTransaction::Commit(std::string_view what) {
  open_ = false;
  return connection_.Exec("COMMIT", what);
}

}  // namespace dc::postgres
