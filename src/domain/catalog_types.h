#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dc {

// The tenant. The API key itself is never stored: only a salted hash.
struct Organisation {
  std::string id;
  std::string name;
  std::string key_salt;  // raw bytes
  std::string key_hash;  // raw bytes
};

enum class DataSource { kApi, kMqtt };

// One sensor stream. `pk` is the store's compact key for the input; `id` is
// what clients see (`sen…`).
struct Input {
  int64_t pk = 0;
  std::string id;
  std::string org_id;
  std::string name;
  std::string measure_unit;
  DataSource data_source = DataSource::kApi;
};

// A named group of inputs of one organisation, in their given order.
struct Asset {
  int64_t id = 0;
  std::string org_id;
  std::string name;
  std::vector<std::string> input_ids;
};

const char* DataSourceName(DataSource source);

}  // namespace dc
