#include "query/query_string.h"

namespace dc {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// False on a malformed escape.
bool Decode(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = HexDigit(text[i + 1]);
      const int low = HexDigit(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out->push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

Result<std::vector<QueryParam>> SplitQueryString(std::string_view query) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    QueryParam param;
    const std::string_view raw_name = pair.substr(0, eq);
    if (!Decode(raw_name, &param.name)) {
      return Status::InvalidArgument("malformed percent-escape in a parameter name")
          .WithParameter(std::string(raw_name.substr(0, 64)));
    }
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), &param.value)) {
      return Status::InvalidArgument("malformed percent-escape in the value of " + param.name)
          .WithParameter(param.name);
    }
    params.push_back(std::move(param));
  }
  return params;
}

std::string_view Unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace dc
