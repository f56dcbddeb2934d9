#include "storage/sqlite/reading_extras.h"

namespace dc::sqlite {
namespace {

enum Flags : uint8_t {
  kHasLatitude = 1,
  kHasLongitude = 2,
  kHasXAxis = 4,
  kHasMetadata = 8,
  kKnownFlags = kHasLatitude | kHasLongitude | kHasXAxis | kHasMetadata,
};

}  // namespace

void PutReadingExtras(std::string& out, const Reading& reading) {
  uint8_t flags = 0;
  if (reading.latitude) flags |= kHasLatitude;
  if (reading.longitude) flags |= kHasLongitude;
  if (!reading.x_axis_value.empty()) flags |= kHasXAxis;
  if (!reading.metadata.empty()) flags |= kHasMetadata;
  Put<uint8_t>(out, flags);
  if (reading.latitude) Put<double>(out, *reading.latitude);
  if (reading.longitude) Put<double>(out, *reading.longitude);
  if (!reading.x_axis_value.empty()) PutText(out, reading.x_axis_value);
  if (!reading.metadata.empty()) PutText(out, reading.metadata);
}

bool GetReadingExtras(ByteCursor& in, Reading& reading) {
  uint8_t flags = 0;
  if (!in.Get(flags) || (flags & ~kKnownFlags) != 0) return false;
  double number = 0;
  if ((flags & kHasLatitude) != 0) {
    if (!in.Get(number)) return false;
    reading.latitude = number;
  }
  if ((flags & kHasLongitude) != 0) {
    if (!in.Get(number)) return false;
    reading.longitude = number;
  }
  if ((flags & kHasXAxis) != 0 && !in.GetText(reading.x_axis_value)) return false;
  if ((flags & kHasMetadata) != 0 && !in.GetText(reading.metadata)) return false;
  return true;
}

bool SkipReadingExtras(ByteCursor& in) {
  uint8_t flags = 0;
  if (!in.Get(flags) || (flags & ~kKnownFlags) != 0) return false;
  if ((flags & kHasLatitude) != 0 && !in.Skip(sizeof(double))) return false;
  if ((flags & kHasLongitude) != 0 && !in.Skip(sizeof(double))) return false;
  for (const Flags text : {kHasXAxis, kHasMetadata}) {
    uint32_t size = 0;
    if ((flags & text) != 0 && (!in.Get(size) || !in.Skip(size))) return false;
  }
  return true;
}

}  // namespace dc::sqlite
