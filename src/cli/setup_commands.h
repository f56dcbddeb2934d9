#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/store.h"

namespace dc::cli {

// The setup commands of docs/api.md "Setting up". Each validates its arguments,
// changes the store in one transaction (or not at all), and returns the one
// JSON object the command prints. Errors: InvalidArgument for a bad
// argument, NotFound for an unknown organisation/input/asset, Conflict for a
// duplicate id, Unavailable when the store cannot write.

struct OrgCreateArgs {
  std::string name;
  std::optional<std::string> id;       // import; generated when absent
  std::optional<std::string> api_key;  // import; generated when absent
};
Result<std::string> OrgCreate(Store& store, const OrgCreateArgs& args);
Result<std::string> OrgRotateKey(Store& store, const std::string& org_id);

struct InputCreateArgs {
  std::string org_id;
  std::string name;
  std::string unit;
  std::string source = "API";
  std::optional<std::string> id;
};
Result<std::string> InputCreate(Store& store, const InputCreateArgs& args);

struct AssetCreateArgs {
  std::string org_id;
  std::string name;
  std::vector<std::string> inputs;
  std::optional<int64_t> id;
};
Result<std::string> AssetCreate(Store& store, const AssetCreateArgs& args);
Result<std::string> AssetAddInput(Store& store, const std::string& org_id, int64_t asset_id,
                                  const std::string& input_id);

}  // namespace dc::cli
