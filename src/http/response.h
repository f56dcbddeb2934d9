#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace dc::http {

// A response as routes produce it. The session adds Content-Length, Date,
// Server and Connection.
struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields, e.g. Allow
  bool close = false;  // close the connection after this response
  // Who asked, for the access log only (never sent): the organisation id
  // once the credentials are checked, else empty.
  std::string principal;
};

// The error body of docs/api.md "Errors" for `status`, with the matching HTTP status:
// {"errors":[{"status":"400","title":"Bad Request","detail":"…","source":{…}}]}
Response ErrorResponse(const Status& status);

}  // namespace dc::http
