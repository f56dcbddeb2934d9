#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dc::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);

using HeaderValues = boost::container::small_vector<std::string_view, 2>;

// Case-insensitive access to the request's header fields.
class HeaderLookup {
 public:
  virtual ~HeaderLookup() = default;
  // The value of the first field named `name` (any case), if present.
  virtual std::optional<std::string_view> Get(std::string_view name) const = 0;
  // The values of every field named `name` (any case), in arrival order:
  // a field sent twice is two entries.
  virtual HeaderValues GetAll(std::string_view name) const = 0;
};

// The head of a request as routes see it, before the body is read. Every
// view is borrowed from the session and valid only while the route's
// admission function runs.
struct RequestHead {
  Method method = Method::kOther;
  std::string_view method_text;           // as sent, e.g. "PUT"
  std::string_view target;                // as sent: path and query
  std::string_view path;                  // without the query
  std::string_view query;                 // after '?', without it; empty if none
  const HeaderLookup* headers = nullptr;  // never null inside a route
  std::optional<uint64_t> content_length;
  bool chunked = false;

  std::optional<std::string_view> Header(std::string_view name) const { return headers->Get(name); }
  bool HasBody() const { return chunked || (content_length && *content_length > 0); }
};

// The `{name}` segments of the matched route pattern, in pattern order.
// Inline room for a few, so routing a request allocates nothing.
using PathParams = boost::container::small_vector<std::string_view, 4>;

}  // namespace dc::http
