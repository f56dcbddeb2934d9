// The error body of docs/api.md "Errors": `source` names the member, the
// query parameter or the request header to blame, under its JSON:API name.
#include <gtest/gtest.h>

#include <string>

#include "http/response.h"

namespace dc::http {
namespace {

TEST(ErrorResponse, SourceIsPointerParameterOrHeader) {
  const Status bad = Status::InvalidArgument("bad");
  EXPECT_EQ(ErrorResponse(bad).body,
            R"({"errors":[{"status":"400","title":"Bad Request","detail":"bad"}]})");
  EXPECT_EQ(ErrorResponse(bad.WithPointer("/data/id")).body,
            R"({"errors":[{"status":"400","title":"Bad Request","detail":"bad",)"
            R"("source":{"pointer":"/data/id"}}]})");
  EXPECT_EQ(ErrorResponse(bad.WithParameter("limit")).body,
            R"({"errors":[{"status":"400","title":"Bad Request","detail":"bad",)"
            R"("source":{"parameter":"limit"}}]})");
  EXPECT_EQ(ErrorResponse(bad.WithHeader("organization-id")).body,
            R"({"errors":[{"status":"400","title":"Bad Request","detail":"bad",)"
            R"("source":{"header":"organization-id"}}]})");
  EXPECT_EQ(ErrorResponse(bad.WithHeader("organization-id")).content_type, "application/json");
}

TEST(ErrorResponse, StatusTextNamesTheSource) {
  const Status bad = Status::InvalidArgument("bad");
  EXPECT_EQ(bad.WithPointer("/data").ToString(), "Bad Request: bad (at /data)");
  EXPECT_EQ(bad.WithParameter("limit").ToString(), "Bad Request: bad (parameter limit)");
  EXPECT_EQ(bad.WithHeader("organization-id").ToString(),
            "Bad Request: bad (header organization-id)");
}

}  // namespace
}  // namespace dc::http
