#include "api/guarded_task.h"

#include <exception>

#include "http/router.h"

namespace dc::api {

http::Response RunGuarded(std::string_view route, const std::function<http::Response()>& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    return http::InternalError(route, e.what());
  } catch (...) {
    return http::InternalError(route, "an exception of unknown type");
  }
}

}  // namespace dc::api
