#include "storage/postgres/pg_url.h"

#include <libpq-fe.h>

#include <map>
#include <memory>

namespace dc::postgres {
namespace {

struct OptionsFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

// The options libpq reads from `url`, by keyword; empty when it cannot
// parse it.
std::map<std::string, std::string> Parse(std::string_view url) {
  const std::string text(url);
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsFree> options(PQconninfoParse(text.c_str(), &error));
  if (error != nullptr) PQfreemem(error);
  std::map<std::string, std::string> values;
  if (options == nullptr) return values;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val != nullptr) values[option->keyword] = option->val;
  }
  return values;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) return true;
  // A keyword string: libpq parses it and it names at least one option.
  return url.find('=') != std::string_view::npos && !Parse(url).empty();
}

std::string DescribePostgresUrl(std::string_view url) {
  const std::map<std::string, std::string> options = Parse(url);
  auto get = [&](const char* key) {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };
  std::string text = "postgresql ";
  if (const std::string user = get("user"); !user.empty()) text += user + "@";
  const std::string host = get("host").empty() ? get("hostaddr") : get("host");
  text += host.empty() ? "localhost" : host;
  if (const std::string port = get("port"); !port.empty()) text += ":" + port;
  text += "/" + get("dbname");
  if (const std::string sslmode = get("sslmode"); !sslmode.empty()) text += " sslmode=" + sslmode;
  return text;
}

}  // namespace dc::postgres
