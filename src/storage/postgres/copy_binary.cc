#include "storage/postgres/copy_binary.h"

#include <bit>
#include <cstring>

namespace dc::postgres {
namespace {

// "PGCOPY\n\377\r\n\0", then 32-bit flags (0: no OIDs) and a 32-bit header
// extension length (0).
constexpr char kSignature[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};

}  // namespace

BinaryCopy::BinaryCopy() {
  data_.append(kSignature, sizeof kSignature);
  Be32(0);
  Be32(0);
}

void BinaryCopy::Be16(uint16_t value) {
  data_.push_back(static_cast<char>(value >> 8));
  data_.push_back(static_cast<char>(value));
}

void BinaryCopy::Be32(uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) data_.push_back(static_cast<char>(value >> shift));
}

void BinaryCopy::Be64(uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) data_.push_back(static_cast<char>(value >> shift));
}

void BinaryCopy::BeginRow(int16_t fields) {
  Be16(static_cast<uint16_t>(fields));
  ++rows_;
}

void BinaryCopy::Int8(int64_t value) {
  Be32(8);
  Be64(static_cast<uint64_t>(value));
}

void BinaryCopy::Float8(double value) {
  Be32(8);
  Be64(std::bit_cast<uint64_t>(value));
}

void BinaryCopy::Text(std::string_view value) {
  Be32(static_cast<uint32_t>(value.size()));
  data_.append(value);
}

void BinaryCopy::Null() { Be32(0xFFFFFFFFu); }

std::string BinaryCopy::Finish() {
  Be16(0xFFFFu);
  return std::move(data_);
}

}  // namespace dc::postgres
