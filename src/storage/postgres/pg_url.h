#pragma once

#include <string>
#include <string_view>

namespace dc::postgres {

// Whether `url` names a PostgreSQL database: a postgresql:// or postgres://
// URL, or a libpq keyword string ("host=db1 dbname=datacooee user=dc"),
// which libpq must parse. Anything else (a path, sqlite:PATH) is not.
bool IsPostgresUrl(std::string_view url);

// The database as it may be logged: "postgresql user@host:port/dbname",
// never the password (nor any other secret option libpq takes).
std::string DescribePostgresUrl(std::string_view url);

}  // namespace dc::postgres
