#pragma once

#include <rapidjson/allocators.h>
#include <rapidjson/writer.h>

#include <string>

namespace dc::api {

// Appends to a std::string: RapidJSON's writer renders straight into the
// response body, with no intermediate document or buffer to copy from.
class StringOutput {
 public:
  using Ch = char;
  explicit StringOutput(std::string* out) : out_(out) {}
  void Put(char c) { out_->push_back(c); }
  void Flush() {}

 private:
  std::string* out_;
};

// A writer into a std::string whose nesting stack lives in a caller-given
// pool (e.g. a buffer on the stack), so a small answer costs no allocation
// beyond its own text.
using StringWriter = rapidjson::Writer<StringOutput, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                       rapidjson::MemoryPoolAllocator<>>;

}  // namespace dc::api
