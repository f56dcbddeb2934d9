// The router and the OpenAPI document describe the same API: every route
// the server answers is in the document, every path of the document is a
// route, and a path's `{name}` segments are the parameters its operations
// declare. The router is the real one (api::BuildRouter over a temporary
// SQLite store), so a route added without documentation fails here.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "api/openapi/embedded_files.h"
#include "api/routes.h"
#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "ingest/ingest_writer.h"
#include "metrics/server_metrics.h"
#include "storage/store_factory.h"
#include "support/temp_dir.h"

namespace dc::testing {
namespace {

using MethodAndPath = std::pair<std::string, std::string>;

// OpenAPI's operation keys; `head` is implied by `get` for the router.
constexpr const char* kOperations[] = {"get", "put", "post", "delete", "options", "patch", "trace"};

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(c - ('a' <= c && c <= 'z' ? 'a' - 'A' : 0));
  return text;
}

std::string Describe(const std::set<MethodAndPath>& routes) {
  std::string text;
  for (const auto& [method, path] : routes) text += "\n    " + method + " " + path;
  return text.empty() ? "\n    (none)" : text;
}

// The `{name}` segments of a path template, in order.
std::vector<std::string> TemplateNames(const std::string& path) {
  std::vector<std::string> names;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    names.push_back(path.substr(open + 1, path.find('}', open) - open - 1));
  }
  return names;
}

rapidjson::Document ParseDocument() {
  rapidjson::Document doc;
  const std::string_view text = api::OpenApiJson();
  doc.Parse(text.data(), text.size());
  return doc;
}

// A parameter object, following a `#/components/parameters/X` reference.
const rapidjson::Value& Resolve(const rapidjson::Document& doc, const rapidjson::Value& param) {
  if (!param.HasMember("$ref")) return param;
  const std::string ref = param["$ref"].GetString();
  const std::string name = ref.substr(ref.rfind('/') + 1);
  return doc["components"]["parameters"][name.c_str()];
}

class RoutesOpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore("sqlite:" + dir_.File("routes.db"), StoreOptions{});
    ASSERT_TRUE(store) << store.error().detail();
    store_ = std::move(*store);
    auto catalog = CatalogCache::Open(*store_, std::chrono::milliseconds(1000));
    ASSERT_TRUE(catalog) << catalog.error().detail();
    catalog_ = std::move(*catalog);
    writer_ = std::make_unique<IngestWriter>(*store_, IngestOptions{});
  }
  void TearDown() override {
    if (writer_) writer_->Stop();
  }

  std::set<MethodAndPath> RouterRoutes() {
    // As `serve` builds it: with metrics, so /metrics is routed too.
    metrics::ServerMetrics metrics;
    const api::OpsOptions ops{.metrics = &metrics, .metrics_token = ""};
    const http::Router router = api::BuildRouter(*catalog_, *writer_, *store_, reads_, ops);
    std::set<MethodAndPath> routes;
    for (const http::Router::RouteInfo& route : router.Routes()) {
      routes.emplace(std::string(http::MethodName(route.method)), route.pattern);
    }
    return routes;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CatalogCache> catalog_;
  std::unique_ptr<IngestWriter> writer_;
  ThreadPool reads_{1};
};

TEST_F(RoutesOpenApiTest, DocumentIsOpenApi3) {
  const rapidjson::Document doc = ParseDocument();
  ASSERT_FALSE(doc.HasParseError())
      << "openapi.json is not JSON (offset " << doc.GetErrorOffset() << ")";
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("openapi") && doc["openapi"].IsString());
  EXPECT_EQ(std::string(doc["openapi"].GetString()).substr(0, 2), "3.");
  ASSERT_TRUE(doc.HasMember("paths") && doc["paths"].IsObject());
}

TEST_F(RoutesOpenApiTest, RouterAndDocumentHaveTheSameRoutes) {
  const rapidjson::Document doc = ParseDocument();
  ASSERT_FALSE(doc.HasParseError());
  std::set<MethodAndPath> documented;
  for (const auto& path : doc["paths"].GetObject()) {
    const std::string name = path.name.GetString();
    for (const char* operation : kOperations) {
      if (path.value.HasMember(operation)) documented.emplace(Upper(operation), name);
    }
    // A `head` operation needs its `get`: the router answers HEAD only there.
    if (path.value.HasMember("head") && !path.value.HasMember("get")) {
      documented.emplace("HEAD", name);
    }
  }
  const std::set<MethodAndPath> routed = RouterRoutes();

  std::set<MethodAndPath> undocumented;
  std::set<MethodAndPath> unrouted;
  for (const auto& route : routed) {
    if (!documented.count(route)) undocumented.insert(route);
  }
  for (const auto& route : documented) {
    if (!routed.count(route)) unrouted.insert(route);
  }
  EXPECT_TRUE(undocumented.empty())
      << "routes the server answers but src/api/openapi/openapi.json does not describe:"
      << Describe(undocumented);
  EXPECT_TRUE(unrouted.empty())
      << "paths src/api/openapi/openapi.json describes but the router (api::BuildRouter) "
         "does not answer:"
      << Describe(unrouted);
}

TEST_F(RoutesOpenApiTest, PathTemplatesNameTheirParameters) {
  const rapidjson::Document doc = ParseDocument();
  ASSERT_FALSE(doc.HasParseError());
  for (const auto& path : doc["paths"].GetObject()) {
    const std::string name = path.name.GetString();
    const std::vector<std::string> names = TemplateNames(name);
    const std::set<std::string> expected(names.begin(), names.end());
    for (const char* operation : kOperations) {
      if (!path.value.HasMember(operation)) continue;
      std::set<std::string> declared;
      const rapidjson::Value& op = path.value[operation];
      if (op.HasMember("parameters")) {
        for (const rapidjson::Value& p : op["parameters"].GetArray()) {
          const rapidjson::Value& param = Resolve(doc, p);
          if (std::string(param["in"].GetString()) == "path")
            declared.insert(param["name"].GetString());
        }
      }
      EXPECT_EQ(declared, expected) << Upper(operation) << " " << name;
    }
  }
}

}  // namespace
}  // namespace dc::testing
