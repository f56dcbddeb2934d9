// The contract of Store (storage/store.h), run against every backend. A test
// here must hold for any backend; SQLite-only behaviour belongs in
// sqlite_store_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "storage/store_contract_fixture.h"

namespace dc {
namespace {

using ::dc::testing::At;
using ::dc::testing::BackendNames;
using ::dc::testing::Full;
using ::dc::testing::StoreBackends;
using ::dc::testing::StoreContractTest;
using Ids = std::vector<std::vector<int64_t>>;

TYPED_TEST_SUITE(StoreContractTest, StoreBackends, BackendNames);

// ---------------------------------------------------------------- orgs

TYPED_TEST(StoreContractTest, CreateOrgThenFindOrgReturnsItBytesIntact) {
  const Organisation org = this->MakeOrg("b3Jn+/=");
  ASSERT_TRUE(this->store_->CreateOrg(org).ok());
  Result<Organisation> found = this->store_->FindOrg("b3Jn+/=");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->id, org.id);
  EXPECT_EQ(found->name, org.name);
  EXPECT_EQ(found->key_salt, org.key_salt);  // embedded NUL and 0xff survive
  EXPECT_EQ(found->key_hash, org.key_hash);
}

TYPED_TEST(StoreContractTest, EmptyKeyBytesRoundTrip) {
  Organisation org = this->MakeOrg("o");
  org.key_salt.clear();
  org.key_hash.clear();
  ASSERT_TRUE(this->store_->CreateOrg(org).ok());
  Result<Organisation> found = this->store_->FindOrg("o");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(found->key_salt, "");
  EXPECT_EQ(found->key_hash, "");
}

TYPED_TEST(StoreContractTest, FindOrgUnknownIsNotFound) {
  Result<Organisation> found = this->store_->FindOrg("nobody");
  ASSERT_FALSE(found.has_value());
  EXPECT_TRUE(found.error().IsNotFound()) << found.error().ToString();
  EXPECT_NE(found.error().detail().find("nobody"), std::string::npos);
}

TYPED_TEST(StoreContractTest, CreateOrgDuplicateIdIsConflictAndKeepsTheFirst) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("dup"));
  Organisation again = this->MakeOrg("dup");
  again.name = "Impostor";
  Status status = this->store_->CreateOrg(again);
  EXPECT_TRUE(status.IsConflict()) << status.ToString();
  EXPECT_NE(status.detail().find("dup"), std::string::npos);
  EXPECT_EQ(this->store_->FindOrg("dup")->name, "Org dup");
}

TYPED_TEST(StoreContractTest, SetOrgKeyReplacesTheKey) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  ASSERT_TRUE(this->store_->SetOrgKey("o", "new-salt", std::string("h\0sh", 4)).ok());
  Result<Organisation> found = this->store_->FindOrg("o");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->key_salt, "new-salt");
  EXPECT_EQ(found->key_hash, std::string("h\0sh", 4));
  EXPECT_EQ(found->name, "Org o");
}

TYPED_TEST(StoreContractTest, SetOrgKeyUnknownOrgIsNotFound) {
  Status status = this->store_->SetOrgKey("ghost", "s", "h");
  EXPECT_TRUE(status.IsNotFound()) << status.ToString();
  EXPECT_NE(status.detail().find("ghost"), std::string::npos);
}

// ---------------------------------------------------------------- inputs

TYPED_TEST(StoreContractTest, CreateInputAssignsDistinctPksAndStoresFields) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  Input mqtt = this->MakeInput("o", "senmqtt000001");
  mqtt.pk = 12345;  // ignored
  mqtt.measure_unit = "";
  mqtt.data_source = DataSource::kMqtt;
  Result<Input> a = this->store_->CreateInput(this->MakeInput("o", "senq2m8x0a7bk"));
  Result<Input> b = this->store_->CreateInput(mqtt);
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_GT(a->pk, 0);
  EXPECT_GT(b->pk, 0);
  EXPECT_NE(a->pk, b->pk);
  EXPECT_EQ(b->id, "senmqtt000001");
  EXPECT_EQ(b->data_source, DataSource::kMqtt);

  Result<CatalogData> catalog = this->store_->LoadCatalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  ASSERT_EQ(catalog->inputs.size(), 2u);
  const Input& stored =
      catalog->inputs[1].id == "senmqtt000001" ? catalog->inputs[1] : catalog->inputs[0];
  EXPECT_EQ(stored.pk, b->pk);
  EXPECT_EQ(stored.org_id, "o");
  EXPECT_EQ(stored.name, "Input senmqtt000001");
  EXPECT_EQ(stored.measure_unit, "");
  EXPECT_EQ(stored.data_source, DataSource::kMqtt);
}

TYPED_TEST(StoreContractTest, CreateInputUnknownOrgIsNotFound) {
  Result<Input> input = this->store_->CreateInput(this->MakeInput("ghost", "sen1"));
  ASSERT_FALSE(input.has_value());
  EXPECT_TRUE(input.error().IsNotFound()) << input.error().ToString();
  EXPECT_NE(input.error().detail().find("ghost"), std::string::npos);
}

TYPED_TEST(StoreContractTest, CreateInputDuplicateIdIsConflictEvenInAnotherOrg) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o1"));
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o2"));
  this->AddInput("o1", "sen1");
  for (const char* org : {"o1", "o2"}) {
    Result<Input> again = this->store_->CreateInput(this->MakeInput(org, "sen1"));
    ASSERT_FALSE(again.has_value()) << org;
    EXPECT_TRUE(again.error().IsConflict()) << again.error().ToString();
    EXPECT_NE(again.error().detail().find("sen1"), std::string::npos);
  }
}

// ---------------------------------------------------------------- assets

TYPED_TEST(StoreContractTest, CreateAssetKeepsInputOrderAndAllocatesIds) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  this->AddInput("o", "senb");
  this->AddInput("o", "sena");
  this->AddInput("o", "senc");
  Result<Asset> first = this->store_->CreateAsset(
      Asset{.id = 0, .org_id = "o", .name = "Pump", .input_ids = {"senc", "sena", "senb"}});
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->name, "Pump");
  EXPECT_EQ(first->input_ids, (std::vector<std::string>{"senc", "sena", "senb"}));

  Result<Asset> explicit_id =
      this->store_->CreateAsset(Asset{.id = 67, .org_id = "o", .name = "Room", .input_ids = {}});
  ASSERT_TRUE(explicit_id.has_value()) << explicit_id.error().ToString();
  EXPECT_EQ(explicit_id->id, 67);

  Result<Asset> next =
      this->store_->CreateAsset(Asset{.id = 0, .org_id = "o", .name = "Next", .input_ids = {}});
  ASSERT_TRUE(next.has_value()) << next.error().ToString();
  EXPECT_GT(next->id, 67);  // never reuses or undercuts an imported id

  Result<CatalogData> catalog = this->store_->LoadCatalog();
  ASSERT_TRUE(catalog.has_value());
  ASSERT_EQ(catalog->assets.size(), 3u);
  const auto pump = std::find_if(catalog->assets.begin(), catalog->assets.end(),
                                 [&](const Asset& a) { return a.id == first->id; });
  ASSERT_NE(pump, catalog->assets.end());
  EXPECT_EQ(pump->input_ids, (std::vector<std::string>{"senc", "sena", "senb"}));
  EXPECT_EQ(pump->org_id, "o");
}

TYPED_TEST(StoreContractTest, CreateAssetExplicitIdTakenIsConflict) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o1"));
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o2"));
  ASSERT_TRUE(
      this->store_->CreateAsset(Asset{.id = 5, .org_id = "o1", .name = "A", .input_ids = {}})
          .has_value());
  Result<Asset> again =
      this->store_->CreateAsset(Asset{.id = 5, .org_id = "o2", .name = "B", .input_ids = {}});
  ASSERT_FALSE(again.has_value());
  EXPECT_TRUE(again.error().IsConflict()) << again.error().ToString();
  EXPECT_NE(again.error().detail().find("5"), std::string::npos);
}

TYPED_TEST(StoreContractTest, CreateAssetNegativeIdIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  Result<Asset> asset =
      this->store_->CreateAsset(Asset{.id = -3, .org_id = "o", .name = "A", .input_ids = {}});
  ASSERT_FALSE(asset.has_value());
  EXPECT_TRUE(asset.error().IsInvalidArgument()) << asset.error().ToString();
}

TYPED_TEST(StoreContractTest, CreateAssetUnknownOrgIsNotFound) {
  Result<Asset> asset =
      this->store_->CreateAsset(Asset{.id = 0, .org_id = "ghost", .name = "A", .input_ids = {}});
  ASSERT_FALSE(asset.has_value());
  EXPECT_TRUE(asset.error().IsNotFound()) << asset.error().ToString();
  EXPECT_NE(asset.error().detail().find("ghost"), std::string::npos);
}

TYPED_TEST(StoreContractTest, CreateAssetWithUnknownInputIsNotFoundAndStoresNothing) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  this->AddInput("o", "sen1");
  const int64_t version = this->Version();
  Result<Asset> asset = this->store_->CreateAsset(
      Asset{.id = 0, .org_id = "o", .name = "A", .input_ids = {"sen1", "senmissing"}});
  ASSERT_FALSE(asset.has_value());
  EXPECT_TRUE(asset.error().IsNotFound()) << asset.error().ToString();
  EXPECT_NE(asset.error().detail().find("senmissing"), std::string::npos);
  EXPECT_EQ(this->Version(), version);
  EXPECT_TRUE(this->store_->LoadCatalog()->assets.empty());
}

TYPED_TEST(StoreContractTest, CreateAssetWithInputOfAnotherOrgIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o1"));
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o2"));
  this->AddInput("o2", "senforeign");
  Result<Asset> asset = this->store_->CreateAsset(
      Asset{.id = 0, .org_id = "o1", .name = "A", .input_ids = {"senforeign"}});
  ASSERT_FALSE(asset.has_value());
  EXPECT_TRUE(asset.error().IsNotFound()) << asset.error().ToString();
  EXPECT_NE(asset.error().detail().find("senforeign"), std::string::npos);
  EXPECT_TRUE(this->store_->LoadCatalog()->assets.empty());
}

TYPED_TEST(StoreContractTest, CreateAssetWithRepeatedInputIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  this->AddInput("o", "sen1");
  this->AddInput("o", "sen2");
  Result<Asset> asset = this->store_->CreateAsset(
      Asset{.id = 0, .org_id = "o", .name = "A", .input_ids = {"sen1", "sen2", "sen1"}});
  ASSERT_FALSE(asset.has_value());
  EXPECT_TRUE(asset.error().IsInvalidArgument()) << asset.error().ToString();
  EXPECT_NE(asset.error().detail().find("sen1"), std::string::npos);
  EXPECT_TRUE(this->store_->LoadCatalog()->assets.empty());
}

TYPED_TEST(StoreContractTest, AddInputToAssetAppendsAtTheEnd) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  this->AddInput("o", "sen1");
  this->AddInput("o", "sen2");
  this->AddInput("o", "sen3");
  Result<Asset> asset =
      this->store_->CreateAsset(Asset{.id = 0, .org_id = "o", .name = "A", .input_ids = {"sen2"}});
  ASSERT_TRUE(asset.has_value());
  Result<Asset> grown = this->store_->AddInputToAsset("o", asset->id, "sen3");
  ASSERT_TRUE(grown.has_value()) << grown.error().ToString();
  grown = this->store_->AddInputToAsset("o", asset->id, "sen1");
  ASSERT_TRUE(grown.has_value()) << grown.error().ToString();
  EXPECT_EQ(grown->id, asset->id);
  EXPECT_EQ(grown->name, "A");
  EXPECT_EQ(grown->org_id, "o");
  EXPECT_EQ(grown->input_ids, (std::vector<std::string>{"sen2", "sen3", "sen1"}));
  EXPECT_EQ(this->store_->LoadCatalog()->assets.at(0).input_ids, grown->input_ids);
}

TYPED_TEST(StoreContractTest, AddInputToEmptyAsset) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  this->AddInput("o", "sen1");
  Result<Asset> asset =
      this->store_->CreateAsset(Asset{.id = 9, .org_id = "o", .name = "A", .input_ids = {}});
  ASSERT_TRUE(asset.has_value()) << asset.error().ToString();
  Result<Asset> grown = this->store_->AddInputToAsset("o", 9, "sen1");
  ASSERT_TRUE(grown.has_value()) << grown.error().ToString();
  EXPECT_EQ(grown->input_ids, (std::vector<std::string>{"sen1"}));
}

TYPED_TEST(StoreContractTest, AddInputToAssetErrors) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o1"));
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o2"));
  this->AddInput("o1", "sen1");
  this->AddInput("o1", "sen2");
  this->AddInput("o2", "senforeign");
  ASSERT_TRUE(
      this->store_->CreateAsset(Asset{.id = 10, .org_id = "o1", .name = "A", .input_ids = {"sen1"}})
          .has_value());
  ASSERT_TRUE(
      this->store_->CreateAsset(Asset{.id = 20, .org_id = "o2", .name = "B", .input_ids = {}})
          .has_value());
  const int64_t version = this->Version();

  struct Case {
    const char* org;
    int64_t asset;
    const char* input;
    Status::Code code;
    const char* named;
  };
  const Case cases[] = {
      {"o1", 99, "sen2", Status::Code::kNotFound, "99"},     // no such asset
      {"o1", 20, "sen2", Status::Code::kNotFound, "20"},     // asset of another org
      {"ghost", 10, "sen2", Status::Code::kNotFound, "10"},  // org unknown
      {"o1", 10, "senmissing", Status::Code::kNotFound, "senmissing"},
      {"o1", 10, "senforeign", Status::Code::kNotFound, "senforeign"},  // input of another org
      {"o1", 10, "sen1", Status::Code::kConflict, "sen1"},              // already there
  };
  for (const Case& c : cases) {
    Result<Asset> result = this->store_->AddInputToAsset(c.org, c.asset, c.input);
    ASSERT_FALSE(result.has_value()) << c.org << " " << c.asset << " " << c.input;
    EXPECT_EQ(result.error().code(), c.code) << result.error().ToString();
    EXPECT_NE(result.error().detail().find(c.named), std::string::npos)
        << result.error().ToString();
  }
  EXPECT_EQ(this->Version(), version);
  Result<CatalogData> catalog = this->store_->LoadCatalog();
  ASSERT_TRUE(catalog.has_value());
  EXPECT_EQ(catalog->assets.at(0).input_ids, (std::vector<std::string>{"sen1"}));
  EXPECT_TRUE(catalog->assets.at(1).input_ids.empty());
}

// ---------------------------------------------------------------- catalog

TYPED_TEST(StoreContractTest, EveryCatalogMutationBumpsTheVersionAndFailuresDoNot) {
  int64_t version = this->Version();
  auto expect_bumped = [&](const char* what) {
    const int64_t now = this->Version();
    EXPECT_GT(now, version) << what;
    version = now;
  };
  auto expect_same = [&](const char* what) { EXPECT_EQ(this->Version(), version) << what; };

  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  expect_bumped("CreateOrg");
  EXPECT_FALSE(this->store_->CreateOrg(this->MakeOrg("o")).ok());
  expect_same("failed CreateOrg");
  ASSERT_TRUE(this->store_->SetOrgKey("o", "s", "h").ok());
  expect_bumped("SetOrgKey");
  EXPECT_FALSE(this->store_->SetOrgKey("ghost", "s", "h").ok());
  expect_same("failed SetOrgKey");
  const int64_t pk = this->AddInput("o", "sen1");
  this->AddInput("o", "sen2");
  expect_bumped("CreateInput");
  EXPECT_FALSE(this->store_->CreateInput(this->MakeInput("o", "sen1")).has_value());
  expect_same("failed CreateInput");
  ASSERT_TRUE(
      this->store_->CreateAsset(Asset{.id = 1, .org_id = "o", .name = "A", .input_ids = {"sen1"}})
          .has_value());
  expect_bumped("CreateAsset");
  ASSERT_TRUE(this->store_->AddInputToAsset("o", 1, "sen2").has_value());
  expect_bumped("AddInputToAsset");
  EXPECT_FALSE(this->store_->AddInputToAsset("o", 1, "sen2").has_value());
  expect_same("failed AddInputToAsset");

  IngestBatch batch{.input_pk = pk, .readings = {At(1, 1.0)}};
  ASSERT_TRUE(this->Write({batch}).has_value());
  expect_same("WriteBatches");

  ASSERT_NO_FATAL_FAILURE(this->Reopen());
  expect_same("reopen");
  EXPECT_EQ(this->store_->LoadCatalog()->version, version);
}

TYPED_TEST(StoreContractTest, LoadCatalogReturnsEverythingAndSurvivesReopen) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o1"));
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o2"));
  const int64_t pk1 = this->AddInput("o1", "sen1");
  const int64_t pk2 = this->AddInput("o2", "sen2");
  ASSERT_TRUE(
      this->store_->CreateAsset(Asset{.id = 3, .org_id = "o2", .name = "B", .input_ids = {"sen2"}})
          .has_value());
  ASSERT_NO_FATAL_FAILURE(this->Reopen());

  Result<CatalogData> catalog = this->store_->LoadCatalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  EXPECT_EQ(catalog->version, this->Version());
  ASSERT_EQ(catalog->orgs.size(), 2u);
  std::set<std::string> org_ids;
  for (const Organisation& org : catalog->orgs) {
    org_ids.insert(org.id);
    EXPECT_EQ(org.key_hash, this->MakeOrg(org.id).key_hash);
  }
  EXPECT_EQ(org_ids, (std::set<std::string>{"o1", "o2"}));
  ASSERT_EQ(catalog->inputs.size(), 2u);
  for (const Input& input : catalog->inputs) {
    EXPECT_EQ(input.pk, input.id == "sen1" ? pk1 : pk2);
    EXPECT_EQ(input.org_id, input.id == "sen1" ? "o1" : "o2");
    EXPECT_EQ(input.measure_unit, "°C");
  }
  ASSERT_EQ(catalog->assets.size(), 1u);
  EXPECT_EQ(catalog->assets[0].id, 3);
  EXPECT_EQ(catalog->assets[0].org_id, "o2");
  EXPECT_EQ(catalog->assets[0].name, "B");
  EXPECT_EQ(catalog->assets[0].input_ids, (std::vector<std::string>{"sen2"}));
}

TYPED_TEST(StoreContractTest, EmptyCatalog) {
  Result<CatalogData> catalog = this->store_->LoadCatalog();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  EXPECT_TRUE(catalog->orgs.empty());
  EXPECT_TRUE(catalog->inputs.empty());
  EXPECT_TRUE(catalog->assets.empty());
  EXPECT_EQ(catalog->version, this->Version());
}

// ---------------------------------------------------------------- readings

TYPED_TEST(StoreContractTest, WriteBatchesStoresEveryField) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  IngestBatch batch{.input_pk = pk, .readings = {Full(1'602'597'759'489'000, 12.5), At(-5, -3e2)}};
  Result<Ids> ids = this->Write({batch});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 1u);
  ASSERT_EQ((*ids)[0].size(), 2u);
  EXPECT_GT((*ids)[0][0], 0);
  EXPECT_GT((*ids)[0][1], (*ids)[0][0]);

  std::optional<StoredReading> full = this->Find(pk, 1'602'597'759'489'000);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->id, (*ids)[0][0]);
  EXPECT_EQ(full->reading.timestamp.micros, 1'602'597'759'489'000);
  EXPECT_EQ(full->reading.value, 12.5);
  EXPECT_EQ(full->reading.latitude, 40.73061);
  EXPECT_EQ(full->reading.longitude, -73.935242);
  EXPECT_EQ(full->reading.x_axis_value, "\"left\"");
  EXPECT_EQ(full->reading.metadata, R"({"k":[1,2]})");

  std::optional<StoredReading> bare = this->Find(pk, -5);
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->id, (*ids)[0][1]);
  EXPECT_EQ(bare->reading.value, -300.0);
  EXPECT_FALSE(bare->reading.latitude.has_value());
  EXPECT_FALSE(bare->reading.longitude.has_value());
  EXPECT_EQ(bare->reading.x_axis_value, "");
  EXPECT_EQ(bare->reading.metadata, "");
  EXPECT_EQ(this->Count(pk), 2);
}

TYPED_TEST(StoreContractTest, ExtremeValuesRoundTripExactly) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  const double values[] = {0.1, -0.0, std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::denorm_min(), 1e-300};
  IngestBatch batch{.input_pk = pk, .readings = {}};
  for (size_t i = 0; i < std::size(values); ++i) {
    batch.readings.push_back(At(static_cast<int64_t>(i), values[i]));
  }
  ASSERT_TRUE(this->Write({batch}).has_value());
  for (size_t i = 0; i < std::size(values); ++i) {
    std::optional<StoredReading> found = this->Find(pk, static_cast<int64_t>(i));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reading.value, values[i]);
  }
}

TYPED_TEST(StoreContractTest, FindReadingAbsentIsNullopt) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  ASSERT_TRUE(this->Write({IngestBatch{.input_pk = pk, .readings = {At(100, 1)}}}).has_value());
  EXPECT_FALSE(this->Find(pk, 101).has_value());
  EXPECT_FALSE(this->Find(pk + 1000, 100).has_value());
  EXPECT_EQ(this->Count(pk + 1000), 0);
}

TYPED_TEST(StoreContractTest, RepostReplacesTheWholeReadingAndKeepsItsId) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  Result<Ids> first = this->Write({IngestBatch{.input_pk = pk, .readings = {Full(1000, 1.5)}}});
  ASSERT_TRUE(first.has_value()) << first.error().ToString();

  // The re-post has no latitude, longitude, x_axis_value or metadata: the
  // stored ones must go, not linger.
  Result<Ids> second = this->Write({IngestBatch{.input_pk = pk, .readings = {At(1000, 2.5)}}});
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ((*second)[0][0], (*first)[0][0]);

  std::optional<StoredReading> stored = this->Find(pk, 1000);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, (*first)[0][0]);
  EXPECT_EQ(stored->reading.value, 2.5);
  EXPECT_FALSE(stored->reading.latitude.has_value());
  EXPECT_FALSE(stored->reading.longitude.has_value());
  EXPECT_EQ(stored->reading.x_axis_value, "");
  EXPECT_EQ(stored->reading.metadata, "");
  EXPECT_EQ(this->Count(pk), 1);

  // And back: fields come back with the next re-post.
  Result<Ids> third = this->Write({IngestBatch{.input_pk = pk, .readings = {Full(1000, 3.5)}}});
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ((*third)[0][0], (*first)[0][0]);
  EXPECT_EQ(this->Find(pk, 1000)->reading.latitude, 40.73061);

  // A new reading after replacements gets a new id, larger than all.
  Result<Ids> fresh = this->Write({IngestBatch{.input_pk = pk, .readings = {At(2000, 1)}}});
  ASSERT_TRUE(fresh.has_value());
  EXPECT_GT((*fresh)[0][0], (*first)[0][0]);
}

TYPED_TEST(StoreContractTest, SameTimestampOnAnotherInputIsAnotherReading) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk1 = this->AddInput("o", "sen1");
  const int64_t pk2 = this->AddInput("o", "sen2");
  Result<Ids> ids = this->Write({IngestBatch{.input_pk = pk1, .readings = {At(7, 1)}},
                                 IngestBatch{.input_pk = pk2, .readings = {At(7, 2)}}});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  EXPECT_NE((*ids)[0][0], (*ids)[1][0]);
  EXPECT_EQ(this->Find(pk1, 7)->reading.value, 1);
  EXPECT_EQ(this->Find(pk2, 7)->reading.value, 2);
}

TYPED_TEST(StoreContractTest, DuplicateTimestampsInOneBatchLastWins) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  IngestBatch batch{.input_pk = pk, .readings = {Full(50, 1), At(60, 6), At(50, 2)}};
  Result<Ids> ids = this->Write({batch});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  ASSERT_EQ((*ids)[0].size(), 3u);
  EXPECT_EQ((*ids)[0][0], (*ids)[0][2]);  // one reading, one id
  EXPECT_NE((*ids)[0][0], (*ids)[0][1]);
  std::optional<StoredReading> stored = this->Find(pk, 50);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->reading.value, 2);
  EXPECT_FALSE(stored->reading.latitude.has_value());
  EXPECT_EQ(this->Count(pk), 2);
}

TYPED_TEST(StoreContractTest, DuplicatesAcrossBatchesOfOneCallLastWins) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  Result<Ids> ids = this->Write({IngestBatch{.input_pk = pk, .readings = {At(5, 1)}},
                                 IngestBatch{.input_pk = pk, .readings = {At(5, 2)}}});
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  EXPECT_EQ((*ids)[0][0], (*ids)[1][0]);
  EXPECT_EQ(this->Find(pk, 5)->reading.value, 2);
}

TYPED_TEST(StoreContractTest, IdsAreUniqueAndIncreasingAcrossReopen) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk1 = this->AddInput("o", "sen1");
  const int64_t pk2 = this->AddInput("o", "sen2");
  std::vector<int64_t> all;
  int64_t ts = 0;
  for (int round = 0; round < 4; ++round) {
    IngestBatch a{.input_pk = pk1, .readings = {At(ts, 1), At(ts + 1, 1)}};
    IngestBatch b{.input_pk = pk2, .readings = {At(ts, 2)}};
    ts += 10;
    Result<Ids> ids = this->Write({a, b});
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    for (const auto& batch_ids : *ids) {
      for (int64_t id : batch_ids) {
        if (!all.empty()) {
          EXPECT_GT(id, all.back());
        }
        all.push_back(id);
      }
    }
    ASSERT_NO_FATAL_FAILURE(this->Reopen());
  }
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), all.size());
  EXPECT_EQ(this->Count(pk1), 8);
  EXPECT_EQ(this->Count(pk2), 4);
}

TYPED_TEST(StoreContractTest, UnknownInputPkIsInvalidArgumentAndStoresNothingOfTheCall) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  Result<Ids> before = this->Write({IngestBatch{.input_pk = pk, .readings = {At(1, 1)}}});
  ASSERT_TRUE(before.has_value());

  const int64_t unknown = pk + 1000;
  Result<Ids> ids = this->Write({IngestBatch{.input_pk = pk, .readings = {At(2, 2), At(1, 9)}},
                                 IngestBatch{.input_pk = unknown, .readings = {At(3, 3)}}});
  ASSERT_FALSE(ids.has_value());
  EXPECT_TRUE(ids.error().IsInvalidArgument()) << ids.error().ToString();
  EXPECT_NE(ids.error().detail().find(std::to_string(unknown)), std::string::npos);
  EXPECT_EQ(this->Count(pk), 1);
  EXPECT_EQ(this->Find(pk, 1)->reading.value, 1);  // the replacement was undone too
  EXPECT_EQ(this->Count(unknown), 0);

  Result<Ids> after = this->Write({IngestBatch{.input_pk = pk, .readings = {At(2, 2)}}});
  ASSERT_TRUE(after.has_value()) << after.error().ToString();
  EXPECT_GT((*after)[0][0], (*before)[0][0]);
}

TYPED_TEST(StoreContractTest, NonFiniteNumbersAreInvalidArgumentAndStoreNothing) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  Reading nan_value = At(2, std::nan(""));
  Reading inf_value = At(2, std::numeric_limits<double>::infinity());
  Reading nan_latitude = At(2, 1);
  nan_latitude.latitude = std::nan("");
  for (const Reading& bad : {nan_value, inf_value, nan_latitude}) {
    Result<Ids> ids = this->Write({IngestBatch{.input_pk = pk, .readings = {At(1, 1), bad}}});
    ASSERT_FALSE(ids.has_value());
    EXPECT_TRUE(ids.error().IsInvalidArgument()) << ids.error().ToString();
  }
  EXPECT_EQ(this->Count(pk), 0);
}

TYPED_TEST(StoreContractTest, EmptyCallsStoreNothing) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  Result<Ids> none = this->store_->WriteBatches({});
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_TRUE(none->empty());
  Result<Ids> empty_batch = this->Write({IngestBatch{.input_pk = pk, .readings = {}}});
  ASSERT_TRUE(empty_batch.has_value()) << empty_batch.error().ToString();
  ASSERT_EQ(empty_batch->size(), 1u);
  EXPECT_TRUE((*empty_batch)[0].empty());
  EXPECT_EQ(this->Count(pk), 0);
}

TYPED_TEST(StoreContractTest, LargeCallOfFiveThousandReadings) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  std::vector<IngestBatch> batches;
  for (int i = 0; i < 5; ++i) {
    IngestBatch batch{.input_pk = this->AddInput("o", "sen" + std::to_string(i)), .readings = {}};
    for (int j = 0; j < 1000; ++j) {
      Reading reading = j % 2 == 0 ? Full(j * 1000, j) : At(j * 1000, j);
      batch.readings.push_back(std::move(reading));
    }
    batches.push_back(std::move(batch));
  }
  const auto start = std::chrono::steady_clock::now();
  Result<Ids> ids = this->Write(batches);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
  // Not asserted (sanitizer builds are slow); the figure is for humans.
  std::cout << "[ timing   ] 5000 readings in "
            << std::chrono::duration<double, std::milli>(elapsed).count() << " ms\n";
  std::set<int64_t> unique;
  for (const auto& batch_ids : *ids) unique.insert(batch_ids.begin(), batch_ids.end());
  EXPECT_EQ(unique.size(), 5000u);
  for (const IngestBatch& batch : batches) EXPECT_EQ(this->Count(batch.input_pk), 1000);
}

TYPED_TEST(StoreContractTest, ReadsProceedWhileAnotherThreadWrites) {
  ASSERT_NO_FATAL_FAILURE(this->AddOrg("o"));
  const int64_t pk = this->AddInput("o", "sen1");
  constexpr int kWrites = 50;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      IngestBatch batch{.input_pk = pk, .readings = {At(i, i)}};
      const IngestBatch* pointers[] = {&batch};
      Result<Ids> ids = this->store_->WriteBatches(pointers);
      EXPECT_TRUE(ids.has_value()) << ids.error().ToString();
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      for (int i = 0; i < 50; ++i) {
        Result<int64_t> count = this->store_->CountReadings(pk);
        ASSERT_TRUE(count.has_value()) << count.error().ToString();
        EXPECT_GE(*count, last);  // committed data only, never going back
        last = *count;
        EXPECT_TRUE(this->store_->CatalogVersion().has_value());
        EXPECT_TRUE(this->store_->FindOrg("o").has_value());
      }
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(this->Count(pk), kWrites);
}

}  // namespace
}  // namespace dc
