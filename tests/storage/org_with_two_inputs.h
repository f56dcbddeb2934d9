#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "storage/store.h"

namespace dc::testing {

// Adds organisation "o" with the inputs sen1 and sen2 to `store`; their pks
// go to `pks`. Fails the test (check HasFatalFailure()) if anything fails.
inline void AddOrgWithTwoInputs(Store& store, std::vector<int64_t>* pks) {
  ASSERT_TRUE(
      store.CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "", .key_hash = ""}).ok());
  for (const char* id : {"sen1", "sen2"}) {
    Result<Input> input = store.CreateInput(Input{.pk = 0,
                                                  .id = id,
                                                  .org_id = "o",
                                                  .name = id,
                                                  .measure_unit = "",
                                                  .data_source = DataSource::kApi});
    ASSERT_TRUE(input.has_value()) << input.error().ToString();
    pks->push_back(input->pk);
  }
}

}  // namespace dc::testing
