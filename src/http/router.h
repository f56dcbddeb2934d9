#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/endpoint.h"

namespace dc::http {

// Router maps a method and a path to an endpoint. Patterns are split on '/';
// a `{name}` segment matches any one non-empty segment and is passed to the
// endpoint. A trailing slash on the request path is ignored, so
// `/a/b/` and `/a/b` are the same route (answered, never redirected).
//
// Unknown path: 404. Known path, other method: 405 with `Allow`. HEAD is
// routed to the GET endpoint (the session drops the body).
//
// Built once at start-up, then only read: Route() is safe from any thread.
class Router {
 public:
  void Add(Method method, std::string_view pattern, Endpoint endpoint);

  Admission Route(const RequestHead& head) const;

 private:
  struct Entry {
    Method method;
    std::vector<std::string> segments;
    Endpoint endpoint;
  };

  std::vector<Entry> entries_;
};

}  // namespace dc::http
