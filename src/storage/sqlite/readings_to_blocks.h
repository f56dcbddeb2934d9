#pragma once

#include "common/result.h"

struct sqlite3;

namespace dc::sqlite {

// The data step of schema migration 4: moves every row of the version 3
// `readings` table into reading_blocks (block_table.h), in blocks of
// kBlockReadings per input, then drops `readings`. Runs inside the
// migration's transaction; memory stays at one block.
Status MoveReadingsIntoBlocks(sqlite3* db);

}  // namespace dc::sqlite
