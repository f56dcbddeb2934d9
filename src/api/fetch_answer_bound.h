#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "api/fetch_writer.h"
#include "common/result.h"
#include "domain/catalog_types.h"
#include "query/fetch_query.h"
#include "storage/store.h"

namespace dc::api {

// Bounds on what FetchWriter writes for one raw reading with `fields`: the
// fewest bytes (numbers of one digit, empty metadata) and the most
// (numbers of the longest shortest form, x_axis_value and metadata at
// their upload limits, the comma before it). fetch_answer_bound_test holds
// what FetchWriter writes to both.
size_t MinRawReadingBytes(const FetchWriter::Fields& fields);
size_t MaxRawReadingBytes(const FetchWriter::Fields& fields);

// The most a raw answer of `inputs` (wrapped in `asset` when not null) with
// at most `limit` readings each can be, envelope included.
uint64_t MaxRawAnswerBytes(const Asset* asset, const std::vector<const Input*>& inputs,
                           int64_t limit, const FetchWriter::Fields& fields);

// Whether a raw fetch's answer is certain to pass `bound` before a reading
// is read: only when MaxRawAnswerBytes says it may, the store counts each
// input's readings in the window (from its per-hour aggregates), and the
// answer is over for certain when min(count, limit) readings per input of
// MinRawReadingBytes each already pass the bound. A storage failure is
// returned as it is.
Result<bool> RawAnswerCertainlyOver(Store& store, const Asset* asset,
                                    const std::vector<const Input*>& inputs,
                                    const FetchQuery& query, const FetchWriter::Fields& fields,
                                    size_t bound);

}  // namespace dc::api
