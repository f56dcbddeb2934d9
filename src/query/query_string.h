#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dc {

// One `name=value` pair of a query string, percent-decoded ('+' is a
// space), with the name as the client spelled it.
struct QueryParam {
  std::string name;
  std::string value;
};

// Splits and decodes a query string (without the '?'). Empty pairs (`a=1&&b=2`)
// are skipped; a pair without '=' has an empty value. A malformed
// percent-escape is InvalidArgument naming the parameter.
Result<std::vector<QueryParam>> SplitQueryString(std::string_view query);

// Drops one pair of matching quotes around a value ("…" or '…'), as the
// reference's examples send them.
std::string_view Unquote(std::string_view value);

}  // namespace dc
