#include "http/http_date.h"

#include <ctime>

namespace dc::http {

const std::string& HttpDateNow() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[64];
    const size_t size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
    cached.assign(text, size);
    cached_second = now;
  }
  return cached;
}

}  // namespace dc::http
