#include "api/fetch_endpoint.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/fetch_answer_bound.h"
#include "api/fetch_writer.h"
#include "api/guarded_task.h"
#include "api/request_auth.h"
#include "http/router.h"
#include "storage/storage_failure.h"

namespace dc::api {
namespace {

// GET bodies are ignored; a client that sends one still must not send much.
constexpr uint64_t kGetBodyLimit = 64 * 1024;

Timestamp Now() {
  using namespace std::chrono;
  return Timestamp{duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()};
}

// What a fetch reads: the inputs, in answer order, and the asset wrapping
// them (by-asset endpoints only). Pointers into the catalog snapshot, which
// the request keeps alive.
struct Plan {
  std::shared_ptr<const CatalogSnapshot> snapshot;
  FetchQuery query;
  const Asset* asset = nullptr;
  std::vector<const Input*> inputs;
};

Status NotFoundInput(const std::string& id, const std::string& parameter) {
  return Status::NotFound("input '" + id.substr(0, 64) + "' not found").WithParameter(parameter);
}

// Resolves the query's ids against the caller's organisation: anything not
// theirs is 404, worded as if it did not exist, naming the ids' parameter as
// the client spelled it.
Status Resolve(const Organisation& org, Plan* plan) {
  const CatalogSnapshot& catalog = *plan->snapshot;
  const FetchQuery& query = plan->query;
  if (query.target == FetchTarget::kInputs) {
    for (const std::string& id : query.input_ids) {
      auto input = FindOwnedInput(catalog, org, id);
      if (!input) return NotFoundInput(id, query.input_ids_parameter);
      plan->inputs.push_back(*input);
    }
    return Status::Ok();
  }
  const Asset* asset = catalog.FindAsset(org.id, query.asset_id);
  if (asset == nullptr) {
    return Status::NotFound("asset " + std::to_string(query.asset_id) + " not found")
        .WithParameter("asset_id");
  }
  plan->asset = asset;
  const std::vector<std::string>& ids = query.input_ids_given ? query.input_ids : asset->input_ids;
  for (const std::string& id : ids) {
    bool in_asset = false;
    for (const std::string& member : asset->input_ids) in_asset = in_asset || member == id;
    const Input* input = in_asset ? catalog.FindInput(org.id, id) : nullptr;
    if (input == nullptr) {
      return Status::NotFound("input '" + id.substr(0, 64) + "' is not an input of asset " +
                              std::to_string(asset->id))
          .WithParameter(query.input_ids_parameter);
    }
    plan->inputs.push_back(input);
  }
  return Status::Ok();
}

// The 400 for an answer over its bound: nothing of it is sent. Cursors and a
// streaming export are for a later version; until then the client asks for
// less.
http::Response TooLarge(const FetchAnswerTooLarge& e) {
  return http::ErrorResponse(
      Status::InvalidArgument("the answer would be over " + std::to_string(e.bound()) +
                              " bytes, the largest a fetch answers; ask for a smaller limit or "
                              "a narrower window (or fewer inputs)")
          .WithParameter("limit"));
}

http::Response Execute(const Plan& plan, Store& store, size_t max_answer_bytes) {
  const FetchQuery& query = plan.query;
  http::Response response;
  response.status = 200;
  response.content_type = "application/json";
  FetchWriter::Fields fields;
  fields.lat_long = query.add_lat_long;
  fields.x_axis = query.add_x_axis;
  fields.metadata = query.add_metadata;
  fields.functions = query.functions;
  fields.bucket_timestamp = query.interval_micros.has_value();
  if (query.shape == FetchShape::kRaw) {
    // An answer certain to pass the bound is refused before its readings
    // are read, rather than after rendering 256 MiB of them.
    auto over =
        RawAnswerCertainlyOver(store, plan.asset, plan.inputs, query, fields, max_answer_bytes);
    if (!over) {
      return http::ErrorResponse(
          ReportStorageFailure(over.error(), "the readings could not be counted"));
    }
    if (*over) throw FetchAnswerTooLarge(max_answer_bytes);
  }
  FetchWriter writer(&response.body, std::move(fields), max_answer_bytes);

  if (plan.asset) {
    writer.BeginAsset(*plan.asset);
  } else {
    writer.BeginList();
  }
  for (const Input* input : plan.inputs) {
    writer.BeginInput(*input);
    if (query.shape == FetchShape::kRaw) {
      RawScan scan;
      scan.input_pk = input->pk;
      scan.window = query.window;
      scan.limit = query.limit;
      scan.order_by = query.order_by;
      scan.sort = query.sort;
      scan.with_lat_long = query.add_lat_long;
      scan.with_x_axis = query.add_x_axis;
      scan.with_metadata = query.add_metadata;
      Status status =
          store.ScanReadings(scan, [&writer](const Reading& r) { writer.AddReading(r); });
      if (!status.ok()) {
        return http::ErrorResponse(ReportStorageFailure(status, "the readings could not be read"));
      }
    } else {
      StatsScan scan;
      scan.input_pk = input->pk;
      scan.window = query.window;
      scan.interval_micros = query.interval_micros;
      scan.max_buckets = query.limit;
      auto buckets = store.Statistics(scan);
      if (!buckets) {
        return http::ErrorResponse(
            ReportStorageFailure(buckets.error(), "the statistics could not be read"));
      }
      for (const StatsBucket& bucket : *buckets) writer.AddBucket(bucket);
    }
    writer.EndInput();
  }
  if (plan.asset) {
    writer.EndAsset();
  } else {
    writer.EndList();
  }
  return response;
}

}  // namespace

http::Endpoint MakeFetchEndpoint(FetchShape shape, FetchTarget target, const CatalogCache& catalog,
                                 Store& store, ThreadPool& reads, size_t max_answer_bytes) {
  return [shape, target, &catalog, &store, &reads, max_answer_bytes](
             const http::RequestHead& head, const http::PathParams&) -> http::Admission {
    auto plan = std::make_shared<Plan>();
    plan->snapshot = catalog.Current();
    auto org = AuthenticateRequest(*plan->snapshot, head);
    if (!org) return http::ErrorResponse(org.error());
    const std::string& org_id = (*org)->id;
    auto query = ParseFetchQuery(head.query, shape, target, Now());
    if (!query) return ForOrg(org_id, http::ErrorResponse(query.error()));
    plan->query = std::move(*query);
    Status resolved = Resolve(**org, plan.get());
    if (!resolved.ok()) return ForOrg(org_id, http::ErrorResponse(resolved));

    return http::BodyHandler{
        kGetBodyLimit,
        [plan, &store, &reads, org_id, max_answer_bytes](std::string, http::Responder respond) {
          reads.Post([plan, &store, org_id, max_answer_bytes, respond = std::move(respond)] {
            respond(ForOrg(org_id, RunGuarded("a fetch", [&] {
                             try {
                               return Execute(*plan, store, max_answer_bytes);
                             } catch (const FetchAnswerTooLarge& e) {
                               // The partial body is dropped with the
                               // response it was written into.
                               return TooLarge(e);
                             }
                           })));
          });
        }};
  };
}

}  // namespace dc::api
