// Never dies of one request: a throw injected at each of the server's catch
// points — a fetch task on the read pool, the ingest writer's commit, a body
// handler on an I/O thread, an admission in the router — is answered with
// the error body of docs/api.md "Errors", costs no acknowledged reading, and
// the server goes on serving. The real HTTP server and the real router
// (api::BuildRouter) run in this process over a temporary SQLite store
// behind a decorator that throws when armed, spoken to over loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/routes.h"
#include "auth/api_key.h"
#include "catalog/catalog_cache.h"
#include "common/thread_pool.h"
#include "http/server.h"
#include "ingest/ingest_writer.h"
#include "integration/fixture.h"
#include "metrics/server_metrics.h"
#include "storage/store_factory.h"
#include "support/temp_dir.h"
#include "support/throwing_store.h"

namespace dc::testing {
namespace {

using Fault = ThrowingStore::Fault;
using Point = ThrowingStore::Point;

constexpr char kApiKey[] = "fault-injection-key-0123456789abcdef";
constexpr char kThrowingBody[] = "/test/throwing-body";
constexpr char kRespondsThenThrows[] = "/test/responds-then-throws";
constexpr char kThrowingAdmission[] = "/test/throwing-admission";

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore("sqlite:" + dir_.File("faults.db"), StoreOptions{});
    ASSERT_TRUE(store) << store.error().ToString();
    real_ = std::move(*store);
    store_ = std::make_unique<ThrowingStore>(*real_);
    // As `datacooee org create` and `input create` make them.
    const KeyHash key = HashApiKey(kApiKey);
    org_ = OrgInfo{.id = "acme", .name = "Acme", .api_key = kApiKey};
    ASSERT_TRUE(
        store_
            ->CreateOrg(
                {.id = org_.id, .name = org_.name, .key_salt = key.salt, .key_hash = key.hash})
            .ok());
    auto input = store_->CreateInput(Input{.pk = 0,
                                           .id = "boiler",
                                           .org_id = org_.id,
                                           .name = "Boiler",
                                           .measure_unit = "C",
                                           .data_source = DataSource::kApi});
    ASSERT_TRUE(input) << input.error().ToString();
    input_ = input->id;

    auto catalog = CatalogCache::Open(*store_, std::chrono::milliseconds(1000));
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = std::move(*catalog);
    writer_ = std::make_unique<IngestWriter>(*store_, IngestOptions{.metrics = &metrics_.ingest()});
    // As `serve` wires it: a scrape asks the store for its size.
    metrics_.SetProbes(
        {.open_connections = {},
         .connection_limit = {},
         .queued_readings = {},
         .store_size_bytes = [this] { return static_cast<double>(store_->SizeOnDisk()); }});
    const api::OpsOptions ops{.metrics = &metrics_, .metrics_token = ""};
    http::Router router = api::BuildRouter(*catalog_, *writer_, *store_, reads_, ops);
    AddThrowingRoutes(router);

    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    server_ = std::make_unique<http::HttpServer>(std::move(router), options);
    auto port = server_->Listen();
    ASSERT_TRUE(port) << port.error().ToString();
    port_ = *port;
    serving_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (serving_.joinable()) {
      server_->Stop();
      serving_.join();
    }
    server_.reset();
    if (writer_) writer_->Stop();
  }

  // Test-only routes beside the real ones: a body handler that throws on
  // the I/O thread, one that answers and then throws, and an admission that
  // throws.
  static void AddThrowingRoutes(http::Router& router) {
    router.Add(http::Method::kPost, kThrowingBody,
               [](const http::RequestHead&, const http::PathParams&) -> http::Admission {
                 return http::BodyHandler{
                     1024, [](std::string, http::Responder) { throw std::bad_alloc(); }};
               });
    router.Add(http::Method::kPost, kRespondsThenThrows,
               [](const http::RequestHead&, const http::PathParams&) -> http::Admission {
                 return http::BodyHandler{1024, [](std::string, http::Responder respond) {
                                            http::Response ok;
                                            ok.status = 200;
                                            ok.body = "answered";
                                            respond(std::move(ok));
                                            throw 5;
                                          }};
               });
    router.Add(http::Method::kGet, kThrowingAdmission,
               [](const http::RequestHead&, const http::PathParams&) -> http::Admission {
                 throw std::runtime_error("admission failed");
               });
  }

  Headers Credentials() const {
    return {{"organization-id", org_.id}, {"organization-api-key", org_.api_key}};
  }
  std::string FetchTarget(const std::string& endpoint, const std::string& extra = "") const {
    return "/api/external/v1/" + endpoint + "/?input_ids=" + input_ + extra;
  }
  // A fetch of every reading of the input, on a new connection.
  HttpResponse FetchAll(const std::string& extra = "") {
    HttpClient client(port_);
    return client.Request("GET", FetchTarget("get_inputdata_by_inputs", extra), Credentials());
  }
  // Uploads readings valued `values` at seconds first, first+1, ... on a new
  // connection.
  HttpResponse UploadAt(int64_t first, const std::vector<std::string>& values) {
    std::vector<std::string> attributes;
    for (size_t i = 0; i < values.size(); ++i) {
      attributes.push_back(Attributes("\"" + values[i] + "\"", TimestampAt(first + i)));
    }
    HttpClient client(port_);
    return client.Request("POST", UploadTarget(input_), UploadHeaders(org_),
                          BatchBody(attributes, input_));
  }
  // The readings a fetch returns: "timestamp=value" in ascending time.
  std::vector<std::string> Readings(const HttpResponse& response) {
    std::vector<std::string> readings;
    rapidjson::Document doc = ParseJson(response.body);
    EXPECT_TRUE(!doc.HasParseError() && doc.IsArray() && doc.Size() == 1) << response.body;
    if (doc.HasParseError() || !doc.IsArray() || doc.Size() != 1) return readings;
    const rapidjson::Value& input = doc[0];
    EXPECT_TRUE(input.HasMember("inputdata") && input["inputdata"].IsArray()) << response.body;
    if (!input.HasMember("inputdata") || !input["inputdata"].IsArray()) return readings;
    for (const rapidjson::Value& r : input["inputdata"].GetArray()) {
      readings.push_back(Stringify(r["timestamp"]) + "=" + Stringify(r["value"]));
    }
    std::sort(readings.begin(), readings.end());
    return readings;
  }

  TempDir dir_;
  std::unique_ptr<Store> real_;
  std::unique_ptr<ThrowingStore> store_;
  OrgInfo org_;
  std::string input_;
  std::unique_ptr<CatalogCache> catalog_;
  metrics::ServerMetrics metrics_;
  std::unique_ptr<IngestWriter> writer_;
  ThreadPool reads_{2};
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;
  std::thread serving_;
};

// A fetch task that throws on the read pool, before the store reads or in
// the middle of the store's scan (while it holds a reader connection and,
// ordered by value, a read transaction), is answered 500; the reader is
// given back, so fetches after it are served.
TEST_F(FaultInjectionTest, FetchWhoseStoreReadThrowsGets500AndTheNextFetchIsServed) {
  ASSERT_EQ(UploadAt(0, {"1", "2", "3"}).status, 201);
  const std::vector<std::string> stored = Readings(FetchAll());
  ASSERT_EQ(stored.size(), 3u);

  struct Case {
    Point point;
    Fault fault;
    std::string extra;
  };
  const std::vector<Case> cases = {
      {Point::kScanReadings, Fault::kBadAlloc, ""},
      {Point::kScanReadings, Fault::kInt, ""},
      {Point::kScanVisit, Fault::kRuntimeError, ""},
      {Point::kScanVisit, Fault::kBadAlloc, "&order_by=value"},
      {Point::kScanVisit, Fault::kInt, "&order_by=value&sort_by=asc&is_add_metadata=true"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FaultName(c.fault) + std::string(" at point ") +
                 std::to_string(static_cast<int>(c.point)) + c.extra);
    store_->Arm(c.point, c.fault);
    EXPECT_TRUE(IsError(FetchAll(c.extra), 500));
    // More fetches than the store has readers: none was left lent out.
    for (int i = 0; i < 6; ++i) {
      const HttpResponse next = FetchAll(c.extra);
      ASSERT_EQ(next.status, 200) << next.body;
      EXPECT_EQ(Readings(next), stored);
    }
  }
  EXPECT_EQ(store_->thrown(Point::kScanReadings), 2);
  EXPECT_EQ(store_->thrown(Point::kScanVisit), 3);
}

TEST_F(FaultInjectionTest, StatisticsWhoseStoreReadThrowsGets500AndTheNextIsServed) {
  ASSERT_EQ(UploadAt(0, {"1", "2", "3"}).status, 201);
  const std::string target = FetchTarget("get_statistics_inputdata_by_inputs");
  for (Fault fault : {Fault::kBadAlloc, Fault::kRuntimeError, Fault::kInt}) {
    SCOPED_TRACE(FaultName(fault));
    store_->Arm(Point::kStatistics, fault);
    {
      HttpClient client(port_);
      EXPECT_TRUE(IsError(client.Request("GET", target, Credentials()), 500));
    }
    HttpClient client(port_);
    const HttpResponse next = client.Request("GET", target, Credentials());
    EXPECT_EQ(next.status, 200) << next.body;
    EXPECT_NE(next.body.find(R"("inputdata":[{"min":1,"max":3,"avg":2}])"), std::string::npos)
        << next.body;
  }
  EXPECT_EQ(store_->thrown(Point::kStatistics), 3);
}

// An upload whose commit throws gets a 503 error body; nothing of it is
// stored, the readings acknowledged before are intact, and the next upload
// is stored and acknowledged.
TEST_F(FaultInjectionTest, UploadWhoseCommitThrowsGets503AndAcknowledgedReadingsAreIntact) {
  ASSERT_EQ(UploadAt(0, {"1.5", "2.5"}).status, 201);
  ASSERT_EQ(UploadAt(10, {"3.5"}).status, 201);
  const std::vector<std::string> acknowledged = Readings(FetchAll());
  ASSERT_EQ(acknowledged.size(), 3u);

  for (Fault fault : {Fault::kBadAlloc, Fault::kRuntimeError, Fault::kInt}) {
    SCOPED_TRACE(FaultName(fault));
    store_->Arm(Point::kWriteBatches, fault);
    // New readings, and one replacing an acknowledged one's value.
    EXPECT_TRUE(IsError(UploadAt(0, {"-1", "-2", "-3"}), 503));
    EXPECT_EQ(Readings(FetchAll()), acknowledged);
  }
  EXPECT_EQ(store_->thrown(Point::kWriteBatches), 3);

  EXPECT_EQ(UploadAt(20, {"4.5"}).status, 201);
  const std::vector<std::string> after = Readings(FetchAll());
  ASSERT_EQ(after.size(), 4u);
  for (const std::string& reading : acknowledged) {
    EXPECT_NE(std::find(after.begin(), after.end(), reading), after.end()) << reading;
  }
}

// A body handler that throws on the I/O thread: 500, and the connection is
// closed (the request's state is unknown); a new connection is served.
TEST_F(FaultInjectionTest, BodyHandlerThatThrowsGets500AndTheConnectionCloses) {
  {
    HttpClient client(port_);
    EXPECT_TRUE(IsError(client.Request("POST", kThrowingBody, {}, "payload"), 500));
    EXPECT_TRUE(client.ClosedByPeer());
  }
  HttpClient client(port_);
  EXPECT_EQ(client.Request("GET", FetchTarget("get_inputdata_by_inputs"), Credentials()).status,
            200);
}

// A handler that answers and then throws: the client gets one response for
// its request (the 500 written at once; the handler's own answer is
// dropped), then the connection closes.
TEST_F(FaultInjectionTest, HandlerThatRespondsThenThrowsGetsExactlyOneResponse) {
  HttpClient client(port_);
  const HttpResponse response = client.Request("POST", kRespondsThenThrows, {}, "payload");
  EXPECT_TRUE(IsError(response, 500));
  EXPECT_FALSE(response.keep_alive);
  EXPECT_TRUE(client.ClosedByPeer()) << "a second response, or the connection left open";
  HttpClient next(port_);
  EXPECT_EQ(next.Request("GET", "/healthz").status, 200);
}

// An admission (the endpoint's look at the head) that throws: 500; the
// connection stays usable, since no body was read.
TEST_F(FaultInjectionTest, AdmissionThatThrowsGets500) {
  HttpClient client(port_);
  EXPECT_TRUE(IsError(client.Request("GET", kThrowingAdmission), 500));
  HttpClient next(port_);
  EXPECT_EQ(next.Request("GET", "/healthz").status, 200);
}

// The ops routes' tasks on the read pool: a /readyz whose store check
// throws, and a /metrics scrape whose probe throws, are answered 500 with
// the error body (not dropped, leaving the client with a closed connection
// and no answer); the next probe and scrape are answered.
TEST_F(FaultInjectionTest, ReadyzAndMetricsWhoseStoreProbeThrowsGet500) {
  for (Fault fault : {Fault::kBadAlloc, Fault::kRuntimeError, Fault::kInt}) {
    SCOPED_TRACE(FaultName(fault));
    store_->Arm(Point::kCheckReady, fault);
    {
      HttpClient client(port_);
      EXPECT_TRUE(IsError(client.Request("GET", "/readyz"), 500));
    }
    store_->Arm(Point::kSizeOnDisk, fault);
    {
      HttpClient client(port_);
      EXPECT_TRUE(IsError(client.Request("GET", "/metrics"), 500));
    }
    HttpClient client(port_);
    EXPECT_EQ(client.Request("GET", "/readyz").status, 200);
    const HttpResponse scrape = client.Request("GET", "/metrics");
    EXPECT_EQ(scrape.status, 200);
    EXPECT_NE(scrape.body.find("datacooee_store_size_bytes"), std::string::npos) << scrape.body;
  }
  EXPECT_EQ(store_->thrown(Point::kCheckReady), 3);
  EXPECT_EQ(store_->thrown(Point::kSizeOnDisk), 3);
}

// Every fault in turn on one server, which is still serving afterwards.
TEST_F(FaultInjectionTest, AfterEveryFaultTheServerStillServes) {
  const HttpResponse first = UploadAt(0, {"1"});
  ASSERT_EQ(first.status, 201) << first.body;
  store_->Arm(Point::kScanVisit, Fault::kBadAlloc);
  EXPECT_TRUE(IsError(FetchAll(), 500));
  store_->Arm(Point::kStatistics, Fault::kRuntimeError);
  {
    HttpClient client(port_);
    EXPECT_TRUE(IsError(
        client.Request("GET", FetchTarget("get_statistics_inputdata_by_inputs"), Credentials()),
        500));
  }
  store_->Arm(Point::kWriteBatches, Fault::kBadAlloc);
  EXPECT_TRUE(IsError(UploadAt(5, {"2"}), 503));
  {
    HttpClient client(port_);
    EXPECT_TRUE(IsError(client.Request("POST", kThrowingBody, {}, "x"), 500));
  }
  {
    HttpClient client(port_);
    EXPECT_TRUE(IsError(client.Request("GET", kThrowingAdmission), 500));
  }

  HttpClient client(port_);
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
  const HttpResponse ready = client.Request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(UploadAt(6, {"3"}).status, 201);
  EXPECT_EQ(Readings(FetchAll()).size(), 2u);
}

}  // namespace
}  // namespace dc::testing
