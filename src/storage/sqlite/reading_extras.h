#pragma once

// A reading's optional fields as the ingest log and the reading blocks store
// them: one flags byte saying which are present, then those present, in a
// fixed order. One encoding, so both formats agree on what "absent" means.
#include <string>

#include "domain/reading.h"
#include "storage/sqlite/byte_codec.h"

namespace dc::sqlite {

void PutReadingExtras(std::string& out, const Reading& reading);
// False when the bytes end early or the flags name a field this codec does
// not know.
bool GetReadingExtras(ByteCursor& in, Reading& reading);
// Reads past them, as GetReadingExtras would, without keeping them.
bool SkipReadingExtras(ByteCursor& in);

}  // namespace dc::sqlite
