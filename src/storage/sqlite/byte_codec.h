#pragma once

// Byte-level encoding shared by the ingest log's records and the reading
// blocks: fixed-width values in the host's (little-endian) byte order,
// LEB128 varints, length-prefixed text, and a cursor whose every read fails
// cleanly past the end, so a corrupt or truncated input is reported, never
// read beyond.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dc::sqlite {

static_assert(std::endian::native == std::endian::little,
              "stored bytes are written in the host's byte order, assumed little-endian");

template <typename T>
void Put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

inline void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Small magnitudes of either sign in few bytes.
inline uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

inline void PutText(std::string& out, const std::string& text) {
  Put<uint32_t>(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

class ByteCursor {
 public:
  explicit ByteCursor(std::string_view bytes) : rest_(bytes) {}

  template <typename T>
  bool Get(T& value) {
    if (rest_.size() < sizeof(T)) return false;
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetVarint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) return false;
      const auto byte = static_cast<uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;  // more than ten bytes: not a varint this codec writes
  }
  bool GetText(std::string& text) {
    uint32_t size = 0;
    if (!Get(size) || rest_.size() < size) return false;
    text.assign(rest_.data(), size);
    rest_.remove_prefix(size);
    return true;
  }
  bool Skip(size_t size) {
    if (rest_.size() < size) return false;
    rest_.remove_prefix(size);
    return true;
  }
  size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

}  // namespace dc::sqlite
