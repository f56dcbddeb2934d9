#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/status.h"

namespace dc {

// Result<T> holds either a value or an error Status, in the shape of C++23's
// std::expected so it can be swapped for it later: has_value(), value(),
// operator*, operator->, error().
//
// Thread-compatible, like the value it holds.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status error) : data_(std::in_place_index<1>, std::move(error)) {  // NOLINT
    assert(!std::get<1>(data_).ok() && "a Result error must not be OK");
  }

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Status& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace dc

// Evaluates a Status expression and returns it from the enclosing function
// when it is not OK.
#define DC_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::dc::Status dc_status_ = (expr);        \
    if (!dc_status_.ok()) return dc_status_; \
  } while (0)
