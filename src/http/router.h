#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/endpoint.h"

namespace dc::http {

// The 500 answered for a request whose handling threw `what` (logged with
// the route's pattern).
Response InternalError(std::string_view route, std::string_view what);

// Router maps a method and a path to an endpoint. Patterns are split on '/';
// a `{name}` segment matches any one non-empty segment and is passed to the
// endpoint. A trailing slash on the request path is ignored, so
// `/a/b/` and `/a/b` are the same route (answered, never redirected).
//
// Unknown path: 404. Known path, other method: 405 with `Allow`. HEAD is
// routed to the GET endpoint (the session drops the body).
//
// An endpoint that throws (std::bad_alloc, a library's exception) is
// answered 500 with the error body, and the exception is logged: one
// request must never end the process. This is the router's last-resort
// catch (docs/api.md, "Errors").
//
// Built once at start-up, then only read: Route() is safe from any thread.
class Router {
 public:
  struct RouteInfo {
    Method method;
    std::string pattern;  // as given to Add(), e.g. "/api/x/{id}"
  };

  void Add(Method method, std::string_view pattern, Endpoint endpoint);

  // Routes `head`. When `matched` is given it receives the pattern of the
  // route that answered (valid as long as the router), or "" when no route
  // matched the path (404).
  Admission Route(const RequestHead& head, std::string_view* matched = nullptr) const;

  // Every route, in the order added.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Entry {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Endpoint endpoint;
  };

  static Admission Admit(const Entry& entry, const RequestHead& head, const PathParams& params);

  std::vector<Entry> entries_;
};

}  // namespace dc::http
