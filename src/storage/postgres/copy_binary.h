#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dc::postgres {

// Builds the data of a `COPY ... FROM STDIN (FORMAT binary)`: PostgreSQL's
// documented binary copy format (the COPY page of its manual, "Binary
// Format"): a signature and header, then per row a 16-bit field count and
// each field as a 32-bit length (-1 for NULL) and its bytes in the type's
// binary send format, big-endian; a -1 field count ends the data. Binary
// because text would print and parse every double and timestamp once more;
// the bytes are the wire format, not something a library would do for us.
class BinaryCopy {
 public:
  BinaryCopy();

  void BeginRow(int16_t fields);
  void Int8(int64_t value);           // bigint
  void Float8(double value);          // double precision
  void Text(std::string_view value);  // text, UTF-8
  void Null();

  // The data with its trailer; the builder is spent afterwards.
  std::string Finish();
  size_t rows() const { return rows_; }

 private:
  void Be16(uint16_t value);
  void Be32(uint32_t value);
  void Be64(uint64_t value);

  std::string data_;
  size_t rows_ = 0;
};

}  // namespace dc::postgres
