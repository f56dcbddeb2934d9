#include "fuzz_server.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "api/routes.h"
#include "auth/api_key.h"
#include "storage/store_factory.h"

namespace dc::fuzz {

namespace {

const char* harness = "fuzzer";
FuzzServer* server = nullptr;

void RemoveDir() {
  std::error_code ignored;
  if (server != nullptr) std::filesystem::remove_all(server->dir, ignored);
}

void CheckOk(const Status& status, const char* what) {
  if (!status.ok()) Die(what, status.detail());
}

// Set up as `datacooee org create` / `input create` / `asset create` do.
void Seed(Store& store) {
  Organisation org;
  org.id = kOrgId;
  org.name = "fuzz";
  KeyHash hashed = HashApiKey(kApiKey);
  org.key_salt = std::move(hashed.salt);
  org.key_hash = std::move(hashed.hash);
  CheckOk(store.CreateOrg(org), "CreateOrg");
  Input input;
  input.org_id = kOrgId;
  input.id = kApiInput;
  input.name = "pump pressure";
  input.measure_unit = "bar";
  auto api_input = store.CreateInput(input);
  if (!api_input) Die("CreateInput:", api_input.error().detail());
  input.id = kMqttInput;
  input.name = "mqtt";
  input.data_source = DataSource::kMqtt;
  auto mqtt_input = store.CreateInput(input);
  if (!mqtt_input) Die("CreateInput:", mqtt_input.error().detail());
  Asset asset;
  asset.id = kAssetId;
  asset.org_id = kOrgId;
  asset.name = "pump";
  asset.input_ids = {kApiInput, kMqttInput};
  auto created = store.CreateAsset(asset);
  if (!created) Die("CreateAsset:", created.error().detail());
}

}  // namespace

void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s %s\n", harness, what, detail.c_str());
  std::abort();
}

http::Router FuzzServer::MakeRouter() {
  return api::BuildRouter(*catalog, *writer, *store, *reads);
}

FuzzServer& OpenFuzzServer(const char* name) {
  harness = name;
  server = new FuzzServer;
  char pattern[] = "/tmp/datacooee-fuzz-XXXXXX";
  if (mkdtemp(pattern) == nullptr) Die("mkdtemp failed");
  server->dir = pattern;
  std::atexit(RemoveDir);

  StoreOptions options;
  options.sync = SyncMode::kNormal;  // durability is not under test; speed is
  auto store = OpenStore("sqlite:" + (server->dir / "fuzz.db").string(), options);
  if (!store) Die("OpenStore:", store.error().detail());
  server->store = std::move(*store);
  Seed(*server->store);

  // The catalog does not change while fuzzing: poll rarely.
  auto catalog = CatalogCache::Open(*server->store, std::chrono::hours(1));
  if (!catalog) Die("CatalogCache::Open:", catalog.error().detail());
  server->catalog = std::move(*catalog);
  server->writer = std::make_unique<IngestWriter>(*server->store, IngestOptions{});
  server->reads = std::make_unique<ThreadPool>(2);
  return *server;
}

}  // namespace dc::fuzz
