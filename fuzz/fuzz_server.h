#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "http/router.h"
#include "ingest/ingest_writer.h"
#include "storage/store.h"

namespace dc::fuzz {

// The reference's sample credentials, so its example requests (the seed
// corpora) authenticate as they are.
inline constexpr char kOrgId[] = "ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng=";
inline constexpr char kApiKey[] = "f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61";
inline constexpr char kApiInput[] = "senxxxxxxxxxx";
inline constexpr char kMqttInput[] = "senmqtt000000";  // exists, but refuses uploads (403)
inline constexpr int64_t kAssetId = 67;                // the reference's example asset

// Everything behind the router, as `datacooee serve` builds it, on a SQLite
// file in a temp dir holding one organisation with an API input, an MQTT
// input and an asset of both.
//
// Lives for the whole process: libFuzzer may exit() from any thread, and
// tearing these down then would race their own threads. Never freed on
// purpose (still reachable, so LeakSanitizer does not count it); the temp
// dir is removed at exit.
struct FuzzServer {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<CatalogCache> catalog;
  std::unique_ptr<IngestWriter> writer;
  std::unique_ptr<ThreadPool> reads;

  // The routes of `datacooee serve` over this server's parts.
  http::Router MakeRouter();
};

// Opens the one FuzzServer of this process; `name` prefixes what it prints.
FuzzServer& OpenFuzzServer(const char* name);

[[noreturn]] void Die(const char* what, const std::string& detail = "");

}  // namespace dc::fuzz
