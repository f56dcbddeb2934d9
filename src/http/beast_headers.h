#pragma once

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/fields.hpp>

#include "http/field_arena.h"
#include "http/request.h"

namespace dc::http {

using Fields = boost::beast::http::basic_fields<FieldAllocator<char>>;

// A parsed head's fields as routes see them (HeaderLookup).
class BeastHeaders final : public HeaderLookup {
 public:
  explicit BeastHeaders(const Fields& fields) : fields_(fields) {}

  std::optional<std::string_view> Get(std::string_view name) const override {
    // One pass in arrival order, lengths compared first: a request has a
    // handful of fields, and Beast's find() walks a tree comparing names
    // case-insensitively at every node.
    for (const auto& field : fields_) {
      if (Named(field, name)) return ValueOf(field);
    }
    return std::nullopt;
  }

  HeaderValues GetAll(std::string_view name) const override {
    HeaderValues values;
    for (const auto& field : fields_) {
      if (Named(field, name)) values.push_back(ValueOf(field));
    }
    return values;
  }

 private:
  static bool Named(const Fields::value_type& field, std::string_view name) {
    const boost::beast::string_view field_name = field.name_string();
    return field_name.size() == name.size() && boost::beast::iequals(field_name, name);
  }
  static std::string_view ValueOf(const Fields::value_type& field) {
    return std::string_view(field.value().data(), field.value().size());
  }

  const Fields& fields_;
};

}  // namespace dc::http
