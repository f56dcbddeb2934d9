#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <new>

namespace dc::http {

// FieldArena hands out the memory of one request's header fields from a
// buffer inside the session. Beast's parser allocates one block per field and
// one for the method and target; a typical request's blocks fit here, so
// reading a head touches the heap only for unusually large ones (the
// remainder goes to the heap, freed as usual).
//
// Not thread-safe: it belongs to one session. Blocks are never reused within
// a request; Reset() makes the whole buffer free again and may be called
// only once every block it handed out is gone (the request's parser
// destroyed).
class FieldArena {
 public:
  FieldArena() = default;
  FieldArena(const FieldArena&) = delete;
  FieldArena& operator=(const FieldArena&) = delete;

  // `align` is a power of two no larger than alignof(std::max_align_t).
  void* Allocate(std::size_t bytes, std::size_t align) {
    const std::size_t start = (used_ + align - 1) & ~(align - 1);
    if (start <= kBytes && bytes <= kBytes - start) {
      used_ = start + bytes;
      return storage_ + start;
    }
    return ::operator new(bytes);
  }

  void Deallocate(void* block) noexcept {
    if (!Owns(block)) ::operator delete(block);
  }

  void Reset() noexcept { used_ = 0; }

 private:
  // 1 KiB per connection holds the head of a typical API client's request.
  static constexpr std::size_t kBytes = 1024;

  bool Owns(const void* block) const noexcept {
    const auto* p = static_cast<const std::byte*>(block);
    const std::less<const std::byte*> before;
    return !before(p, storage_) && before(p, storage_ + kBytes);
  }

  alignas(std::max_align_t) std::byte storage_[kBytes];
  std::size_t used_ = 0;
};

// The standard allocator interface over one session's FieldArena, for
// Beast's basic_fields. Copies share the arena.
template <class T>
class FieldAllocator {
  static_assert(alignof(T) <= alignof(std::max_align_t));

 public:
  using value_type = T;

  explicit FieldAllocator(FieldArena* arena) noexcept : arena_(arena) {}
  template <class U>
  FieldAllocator(const FieldAllocator<U>& other) noexcept : arena_(other.arena_) {}

  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(arena_->Allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* block, std::size_t) noexcept { arena_->Deallocate(block); }

  template <class U>
  bool operator==(const FieldAllocator<U>& other) const noexcept {
    return arena_ == other.arena_;
  }

 private:
  template <class U>
  friend class FieldAllocator;
  FieldArena* arena_;
};

}  // namespace dc::http
