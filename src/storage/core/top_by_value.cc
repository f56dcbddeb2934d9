#include "storage/core/top_by_value.h"

#include <algorithm>

namespace dc::storage {

TopByValue::TopByValue(size_t limit, SortDirection sort) : limit_(limit), sort_(sort) {
  // Not `limit`: a small window with a large limit should not allocate it.
  heap_.reserve(std::min<size_t>(limit, 1024));
}

bool TopByValue::Before(const RankedReading& a, const RankedReading& b) const {
  if (a.value != b.value)
    return sort_ == SortDirection::kAsc ? a.value < b.value : a.value > b.value;
  return sort_ == SortDirection::kAsc ? a.ts < b.ts : a.ts > b.ts;
}

void TopByValue::Offer(const RankedReading& reading) {
  if (limit_ == 0) return;
  auto before = [this](const RankedReading& a, const RankedReading& b) { return Before(a, b); };
  if (heap_.size() < limit_) {
    heap_.push_back(reading);
    std::push_heap(heap_.begin(), heap_.end(), before);
    return;
  }
  if (!Before(reading, heap_.front())) return;  // no better than the worst kept
  std::pop_heap(heap_.begin(), heap_.end(), before);
  heap_.back() = reading;
  std::push_heap(heap_.begin(), heap_.end(), before);
}

std::vector<RankedReading> TopByValue::TakeSorted() {
  auto before = [this](const RankedReading& a, const RankedReading& b) { return Before(a, b); };
  std::sort_heap(heap_.begin(), heap_.end(), before);
  std::vector<RankedReading> sorted;
  sorted.swap(heap_);
  return sorted;
}

}  // namespace dc::storage
