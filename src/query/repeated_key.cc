#include "query/repeated_key.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>
#include <vector>

namespace dc {

std::optional<size_t> FindRepeatedKey(simdjson::dom::object object) {
  const size_t count = object.size();
  if (count < 2) return std::nullopt;
  if (count <= kPairwiseKeys) {
    std::array<std::string_view, kPairwiseKeys> seen;
    size_t index = 0;
    for (auto field : object) {
      for (size_t i = 0; i < index; ++i) {
        if (seen[i] == field.key) return index;
      }
      seen[index++] = field.key;
    }
    return std::nullopt;
  }
  // (name, position), sorted by name then position: each run of one name
  // starts with its first occurrence, and the member after it in the run
  // is a repeat. The earliest such repeat in document order is answered,
  // as the pairwise walk would.
  std::vector<std::pair<std::string_view, size_t>> keys;
  keys.reserve(count);
  for (auto field : object) keys.emplace_back(field.key, keys.size());
  std::sort(keys.begin(), keys.end());
  std::optional<size_t> first_repeat;
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].first == keys[i - 1].first) {
      first_repeat = std::min(first_repeat.value_or(keys[i].second), keys[i].second);
    }
  }
  return first_repeat;
}

}  // namespace dc
