#pragma once

// A reading block: up to a few hundred readings of one input, in strictly
// ascending timestamp order, stored as one row of `reading_blocks`. Storing
// readings by the block rather than by the row is what makes the merge
// cheap (SQLite's per-row cost is paid once per block) and the file small
// (timestamps and ids are stored as differences).
//
// Format, version 1: a version byte, the reading count as a varint, then per
// reading its timestamp (the first as a zigzag varint, the others as the
// varint difference to the previous one, never 0), its id as the zigzag
// varint difference to the previous id (the first to 0), its value as 8
// bytes, and its optional fields (reading_extras.h).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace dc::sqlite {

// The merge fills blocks up to this many readings. A block's size is not
// part of the format: a decoder takes any count.
inline constexpr size_t kBlockReadings = 256;

// Appends the block of `readings` (non-empty, timestamps strictly
// ascending) to `out`.
void EncodeBlock(std::span<const StoredReading> readings, std::string& out);

// Replaces `out` with the readings of `data`. False, with `out`
// unspecified, when `data` cannot be a block: truncated, trailing bytes,
// an unknown version or flag, a count of 0 or more than the bytes hold, or
// timestamps not strictly ascending. (Redundant varint bytes and an empty
// text marked present, which EncodeBlock never writes, are read as if
// written minimally.)
bool DecodeBlock(std::string_view data, std::vector<StoredReading>& out);

// What is stored at one timestamp: the id of the reading there, or else the
// nearest stored timestamps below and above it, between which no reading
// is stored (either absent when nothing is stored on that side).
struct KeyLookup {
  std::optional<int64_t> id;
  std::optional<int64_t> below;
  std::optional<int64_t> above;
};

// Looks `ts` up in `data`, reading only up to it and keeping nothing else:
// what giving an upload's reading its id needs. `below` and `above` say
// only what this block holds. False when the bytes read are not a block's.
bool FindIdInBlock(std::string_view data, int64_t ts, KeyLookup& found);

}  // namespace dc::sqlite
