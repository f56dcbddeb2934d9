#include "api/upload_endpoint.h"

#include <memory>
#include <string>

#include "api/content_encoding.h"
#include "api/gzip_body.h"
#include "api/media_type.h"
#include "api/request_auth.h"
#include "api/upload_response.h"
#include "query/upload_body.h"

namespace dc::api {
namespace {

constexpr const char* kJsonApi = "application/vnd.api+json";

http::Response Created(std::string body) {
  http::Response response;
  response.status = 201;
  response.content_type = kJsonApi;
  response.body = std::move(body);
  return response;
}

// Parses the body and hands the readings to the writer; answers when they
// are committed.
void StoreUpload(std::string body, const Input& input, IngestWriter& writer,
                 http::Responder respond) {
  auto upload = ParseUploadBody(body, input.id);
  if (!upload) return respond(ForOrg(input.org_id, http::ErrorResponse(upload.error())));

  IngestBatch batch;
  batch.input_pk = input.pk;
  batch.readings = std::move(upload->readings);
  const bool is_batch = upload->is_batch;
  const size_t count = batch.readings.size();
  // The single reading is kept for the echo; the batch answer needs only
  // the count.
  std::shared_ptr<const Reading> echo;
  if (!is_batch) echo = std::make_shared<const Reading>(batch.readings.front());
  writer.Submit(std::move(batch), [respond = std::move(respond), echo, count, input_id = input.id,
                                   org_id = input.org_id](Result<std::vector<int64_t>> ids) {
    if (!ids) return respond(ForOrg(org_id, http::ErrorResponse(ids.error())));
    if (echo) {
      return respond(ForOrg(org_id, Created(RenderStoredReading(ids->front(), *echo, input_id))));
    }
    respond(ForOrg(org_id, Created(RenderStoredBatch(count))));
  });
}

}  // namespace

http::Endpoint MakeUploadEndpoint(const CatalogCache& catalog, IngestWriter& writer) {
  return [&catalog, &writer](const http::RequestHead& head,
                             const http::PathParams& params) -> http::Admission {
    auto snapshot = catalog.Current();
    auto org = AuthenticateRequest(*snapshot, head);
    if (!org) return http::ErrorResponse(org.error());
    const std::string& org_id = (*org)->id;
    auto input = FindOwnedInput(*snapshot, **org, params.at(0));
    if (!input) return ForOrg(org_id, http::ErrorResponse(input.error()));
    if ((*input)->data_source != DataSource::kApi) {
      return ForOrg(org_id,
                    http::ErrorResponse(Status::PermissionDenied(
                        "input '" + (*input)->id + "' takes its data from " +
                        DataSourceName((*input)->data_source) + ", not from HTTP uploads")));
    }
    Status media = CheckUploadMediaType(head.Header("content-type"));
    if (!media.ok()) return ForOrg(org_id, http::ErrorResponse(media));
    auto coding = UploadBodyCoding(head);
    if (!coding) return ForOrg(org_id, http::ErrorResponse(coding.error()));

    // The snapshot keeps the input alive until the body has been read. A
    // gzip body is read up to the same limit as a plain one (compressed, it
    // can only be smaller), and its decoded bytes count against it again.
    return http::BodyHandler{
        kMaxBatchBodyBytes, [snapshot, input = *input, &writer, coding = *coding](
                                std::string body, http::Responder respond) {
          if (coding == BodyCoding::kGzip) {
            auto decoded = DecodeGzipBody(body, kMaxBatchBodyBytes);
            if (!decoded) {
              return respond(ForOrg(input->org_id, http::ErrorResponse(decoded.error())));
            }
            body = std::move(*decoded);
          }
          StoreUpload(std::move(body), *input, writer, std::move(respond));
        }};
  };
}

}  // namespace dc::api
