#pragma once

#include <cstdint>
#include <stdexcept>

#include "storage/postgres/pg_connection.h"

namespace dc::testing {

// The integer in the first column of the first row `sql` answers; throws
// (failing the test) when the query fails.
inline int64_t QueryInt(postgres::PgConnection& connection, const char* sql) {
  auto result = connection.Query(sql, {}, sql);
  if (!result) throw std::runtime_error(result.error().ToString());
  return postgres::Int64At(result->get(), 0, 0);
}

}  // namespace dc::testing
