#pragma once

#include <string>
#include <string_view>

namespace dc::testing {

// How an error detail quotes short input, spelled out here rather than
// taken from the code under test.
inline std::string Quoted(std::string_view text) {
  std::string quoted = "'";
  quoted.append(text);
  quoted += '\'';
  return quoted;
}

}  // namespace dc::testing
