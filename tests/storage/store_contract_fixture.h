#pragma once

// The fixture of the Store contract tests (store_*contract_test.cc): one
// fresh database of a backend per test, and helpers to fill it.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/store_backends.h"

namespace dc::testing {
using Ids = std::vector<std::vector<int64_t>>;

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A backend whose server this run lacks (PostgreSQL outside
    // scripts/test) skips; where scripts/test started it, its absence fails.
    if (std::optional<std::string> missing = backend_.Missing()) {
      if (backend_.Required()) FAIL() << *missing;
      GTEST_SKIP() << *missing;
    }
    ASSERT_NO_FATAL_FAILURE(Reopen());
  }

  // Closes the store and opens it again, as a restarted server would.
  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> store = backend_.Open(StoreOptions{});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  static Organisation MakeOrg(const std::string& id) {
    return Organisation{.id = id,
                        .name = "Org " + id,
                        .key_salt = std::string("salt\0\x01", 6) + id,
                        .key_hash = std::string("hash\0\xff", 6) + id};
  }
  static Input MakeInput(const std::string& org_id, const std::string& id) {
    return Input{.pk = 0,
                 .id = id,
                 .org_id = org_id,
                 .name = "Input " + id,
                 .measure_unit = "°C",
                 .data_source = DataSource::kApi};
  }

  void AddOrg(const std::string& id) {
    Status status = store_->CreateOrg(MakeOrg(id));
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  // Returns the new input's pk (0 after a failed assertion).
  int64_t AddInput(const std::string& org_id, const std::string& id) {
    Result<Input> input = store_->CreateInput(MakeInput(org_id, id));
    EXPECT_TRUE(input.has_value()) << input.error().ToString();
    return input.has_value() ? input->pk : 0;
  }
  int64_t Version() {
    Result<int64_t> version = store_->CatalogVersion();
    EXPECT_TRUE(version.has_value()) << version.error().ToString();
    return version.has_value() ? *version : -1;
  }
  Result<Ids> Write(const std::vector<IngestBatch>& batches) {
    std::vector<const IngestBatch*> pointers;
    for (const IngestBatch& batch : batches) pointers.push_back(&batch);
    return store_->WriteBatches(pointers);
  }
  std::optional<StoredReading> Find(int64_t input_pk, int64_t micros) {
    Result<std::optional<StoredReading>> found = store_->FindReading(input_pk, Timestamp{micros});
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found.has_value() ? *found : std::nullopt;
  }
  int64_t Count(int64_t input_pk) {
    Result<int64_t> count = store_->CountReadings(input_pk);
    EXPECT_TRUE(count.has_value()) << count.error().ToString();
    return count.has_value() ? *count : -1;
  }

  Backend backend_;
  std::unique_ptr<Store> store_;
};

inline Reading At(int64_t micros, double value) {
  Reading reading;
  reading.timestamp = Timestamp{micros};
  reading.value = value;
  return reading;
}

inline Reading Full(int64_t micros, double value) {
  Reading reading = At(micros, value);
  reading.latitude = 40.73061;
  reading.longitude = -73.935242;
  reading.x_axis_value = "\"left\"";
  reading.metadata = R"({"k":[1,2]})";
  return reading;
}

using StoreBackends = ::testing::Types<SqliteBackend, PostgresBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

}  // namespace dc::testing
