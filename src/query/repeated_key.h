#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>

namespace dc {

// The position (in document order) of the first member of `object` whose
// name an earlier member already has, or nullopt when every name is
// distinct. Only this object's own members; the caller walks nested ones.
// A handful of names is compared pairwise, which allocates nothing; past
// kPairwiseKeys they are sorted, so that an object of thousands of names
// costs n log n, not n².
inline constexpr size_t kPairwiseKeys = 16;
std::optional<size_t> FindRepeatedKey(simdjson::dom::object object);

}  // namespace dc
