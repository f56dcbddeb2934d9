#include "http/router.h"

#include <spdlog/spdlog.h>

#include <string>

namespace dc::http {
namespace {

// A request path's segments, inline: routing runs for every request.
using Segments = boost::container::small_vector<std::string_view, 16>;

Segments SplitPath(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  Segments segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Match(const std::vector<std::string>& pattern, const Segments& path, PathParams* params) {
  if (pattern.size() != path.size()) return false;
  params->clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
      params->push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Response InternalError(std::string_view route, std::string_view what) {
  spdlog::error("request to {} failed: {}", route, what);
  return ErrorResponse(
      Status::Internal("the server failed to answer this request; nothing was stored"));
}

Admission Router::Admit(const Entry& entry, const RequestHead& head, const PathParams& params) {
  try {
    return entry.endpoint(head, params);
  } catch (const std::exception& e) {
    return InternalError(entry.pattern, e.what());
  } catch (...) {
    return InternalError(entry.pattern, "an exception of unknown type");
  }
}

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

void Router::Add(Method method, std::string_view pattern, Endpoint endpoint) {
  std::vector<std::string> segments;
  for (std::string_view s : SplitPath(pattern)) segments.emplace_back(s);
  entries_.push_back(Entry{method, std::string(pattern), std::move(segments), std::move(endpoint)});
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> routes;
  for (const Entry& entry : entries_) routes.push_back(RouteInfo{entry.method, entry.pattern});
  return routes;
}

Admission Router::Route(const RequestHead& head, std::string_view* matched) const {
  if (matched) *matched = {};
  const Segments path = SplitPath(head.path);
  const Method wanted = head.method == Method::kHead ? Method::kGet : head.method;
  PathParams params;
  std::string allow;
  for (const Entry& entry : entries_) {
    if (!Match(entry.segments, path, &params)) continue;
    if (matched) *matched = entry.pattern;
    if (entry.method == wanted) return Admit(entry, head, params);
    if (!allow.empty()) allow += ", ";
    allow += MethodName(entry.method);
    if (entry.method == Method::kGet) allow += ", HEAD";
  }
  if (allow.empty()) {
    std::string detail = "no such endpoint: ";
    detail += head.path.substr(0, 200);
    return ErrorResponse(Status::NotFound(std::move(detail)));
  }
  std::string detail = "method ";
  detail += head.method_text;
  detail += " is not allowed here; allowed: " + allow;
  Response response = ErrorResponse(Status::MethodNotAllowed(std::move(detail)));
  response.headers.emplace_back("Allow", allow);
  return response;
}

}  // namespace dc::http
