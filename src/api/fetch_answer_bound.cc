#include "api/fetch_answer_bound.h"

#include <algorithm>
#include <string_view>

#include "domain/decimal.h"
#include "query/upload_body.h"

namespace dc::api {
namespace {

// The text around a reading's values, as FetchWriter writes it; a value's
// place holds its shortest form, or `null`.
constexpr std::string_view kBase = R"({"timestamp":"2021-03-01T00:00:00.000000Z","value":)";
constexpr std::string_view kLatLong = R"(,"latitude":,"longitude":)";
constexpr std::string_view kXAxis = R"(,"x_axis_value":)";
constexpr std::string_view kMetadata = R"(,"metadata":)";
constexpr size_t kNull = 4;

// A JSON string of `text`: at most six bytes per byte (\u00XX), and quotes.
uint64_t MaxStringBytes(std::string_view text) { return 6 * text.size() + 2; }

}  // namespace

size_t MinRawReadingBytes(const FetchWriter::Fields& fields) {
  size_t bytes = kBase.size() + 1 + 1;                 // one-digit value, `}`
  if (fields.lat_long) bytes += kLatLong.size() + 2;   // two one-digit numbers
  if (fields.x_axis) bytes += kXAxis.size() + 1;       // a one-digit number
  if (fields.metadata) bytes += kMetadata.size() + 2;  // {}
  return bytes;
}

size_t MaxRawReadingBytes(const FetchWriter::Fields& fields) {
  const size_t number = std::max(kShortestDoubleSize, kNull);
  size_t bytes = 1 + kBase.size() + number + 1;  // `,` before, `}` after
  if (fields.lat_long) bytes += kLatLong.size() + 2 * number;
  if (fields.x_axis) bytes += kXAxis.size() + std::max(kMaxXAxisValueBytes, kNull);
  if (fields.metadata) bytes += kMetadata.size() + std::max(kMaxMetadataBytes, kNull);
  return bytes;
}

uint64_t MaxRawAnswerBytes(const Asset* asset, const std::vector<const Input*>& inputs,
                           int64_t limit, const FetchWriter::Fields& fields) {
  // `{"id":N,"name":S,"inputs":[` … `]}`, or `[` … `]`.
  uint64_t bytes = asset ? 40 + MaxStringBytes(asset->name) : 2;
  for (const Input* input : inputs) {
    // `,{"input":{"id":S,"name":S,"measure_unit":S},"inputdata":[` … `]}`.
    bytes += 64 + MaxStringBytes(input->id) + MaxStringBytes(input->name) +
             MaxStringBytes(input->measure_unit);
    bytes += static_cast<uint64_t>(limit) * MaxRawReadingBytes(fields);
  }
  return bytes;
}

Result<bool> RawAnswerCertainlyOver(Store& store, const Asset* asset,
                                    const std::vector<const Input*>& inputs,
                                    const FetchQuery& query, const FetchWriter::Fields& fields,
                                    size_t bound) {
  if (MaxRawAnswerBytes(asset, inputs, query.limit, fields) <= bound) return false;
  const uint64_t per_reading = MinRawReadingBytes(fields);
  uint64_t least = 0;
  for (const Input* input : inputs) {
    StatsScan scan;
    scan.input_pk = input->pk;
    scan.window = query.window;
    auto buckets = store.Statistics(scan);
    if (!buckets) return buckets.error();
    const int64_t count = buckets->empty() ? 0 : buckets->front().aggregate.count;
    least += static_cast<uint64_t>(std::min(count, query.limit)) * per_reading;
    if (least > bound) return true;
  }
  return false;
}

}  // namespace dc::api
