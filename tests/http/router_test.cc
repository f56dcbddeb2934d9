#include "http/router.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace dc::http {
namespace {

class FakeHeaders final : public HeaderLookup {
 public:
  std::optional<std::string_view> Get(std::string_view) const override { return std::nullopt; }
  HeaderValues GetAll(std::string_view) const override { return {}; }
};

RequestHead Head(Method method, std::string_view method_text, std::string_view path) {
  static FakeHeaders headers;
  RequestHead head;
  head.method = method;
  head.method_text = method_text;
  head.target = path;
  head.path = path;
  head.headers = &headers;
  return head;
}

Endpoint Answer(int status, std::string* seen_param = nullptr) {
  return [status, seen_param](const RequestHead&, const PathParams& params) -> Admission {
    if (seen_param && !params.empty()) *seen_param = std::string(params[0]);
    Response response;
    response.status = status;
    return response;
  };
}

int StatusOf(const Admission& admission) { return std::get<Response>(admission).status; }

TEST(Router, MatchesWithAndWithoutTrailingSlashAndCapturesParams) {
  Router router;
  std::string param;
  router.Add(Method::kPost, "/api/inputs/{id}/data", Answer(201, &param));
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kPost, "POST", "/api/inputs/sen1/data/"))), 201);
  EXPECT_EQ(param, "sen1");
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kPost, "POST", "/api/inputs/sen2/data"))), 201);
  EXPECT_EQ(param, "sen2");
}

TEST(Router, UnknownPathIs404WithJsonBody) {
  Router router;
  router.Add(Method::kGet, "/a", Answer(200));
  const Admission admission = router.Route(Head(Method::kGet, "GET", "/b"));
  const auto& response = std::get<Response>(admission);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find(R"("status":"404")"), std::string::npos);
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kGet, "GET", "/a/x"))), 404);
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kGet, "GET", "//a"))), 404);
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.Add(Method::kPost, "/up", Answer(201));
  router.Add(Method::kGet, "/get", Answer(200));
  const Admission put = router.Route(Head(Method::kPut, "PUT", "/up"));
  const auto& response = std::get<Response>(put);
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "POST");
  EXPECT_NE(response.body.find("PUT"), std::string::npos);

  const Admission post_admission = router.Route(Head(Method::kPost, "POST", "/get"));
  const auto& post = std::get<Response>(post_admission);
  EXPECT_EQ(post.headers[0].second, "GET, HEAD");
}

TEST(Router, HeadIsRoutedToGet) {
  Router router;
  router.Add(Method::kGet, "/get", Answer(200));
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kHead, "HEAD", "/get"))), 200);
}

TEST(ErrorResponse, HasSpecShape) {
  const Response response =
      ErrorResponse(Status::InvalidArgument("limit must be a positive integer, got 'abc'")
                        .WithParameter("limit"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"errors":[{"status":"400","title":"Bad Request","detail":"limit must be a )"
            R"(positive integer, got 'abc'","source":{"parameter":"limit"}}]})");
}

TEST(Router, AnEndpointThatThrowsIsAnswered500AndTheRouterGoesOn) {
  Router router;
  router.Add(Method::kGet, "/bad",
             [](const RequestHead&, const PathParams&) -> Admission { throw std::bad_alloc(); });
  router.Add(Method::kGet, "/odd",
             [](const RequestHead&, const PathParams&) -> Admission { throw 42; });
  router.Add(Method::kGet, "/good", Answer(200));
  for (const char* path : {"/bad", "/odd"}) {
    const Admission admission = router.Route(Head(Method::kGet, "GET", path));
    const auto& response = std::get<Response>(admission);
    EXPECT_EQ(response.status, 500) << path;
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_NE(response.body.find(R"("status":"500")"), std::string::npos);
  }
  EXPECT_EQ(StatusOf(router.Route(Head(Method::kGet, "GET", "/good"))), 200);
}

TEST(Router, ReportsTheMatchedPatternAndListsItsRoutes) {
  Router router;
  router.Add(Method::kPost, "/api/inputs/{id}/data", Answer(201));
  router.Add(Method::kGet, "/healthz", Answer(200));
  std::string_view matched = "x";
  (void)router.Route(Head(Method::kPost, "POST", "/api/inputs/sen1/data/"), &matched);
  EXPECT_EQ(matched, "/api/inputs/{id}/data");
  (void)router.Route(Head(Method::kGet, "GET", "/api/inputs/sen1/data"), &matched);
  EXPECT_EQ(matched, "/api/inputs/{id}/data");  // 405: the path matched
  (void)router.Route(Head(Method::kGet, "GET", "/nowhere"), &matched);
  EXPECT_EQ(matched, "");
  const std::vector<Router::RouteInfo> routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, Method::kPost);
  EXPECT_EQ(routes[0].pattern, "/api/inputs/{id}/data");
  EXPECT_EQ(routes[1].pattern, "/healthz");
}

}  // namespace
}  // namespace dc::http

namespace dc::http {
namespace {

TEST(ErrorResponse, ClientBytesThatAreNotUtf8AreReplaced) {
  const Response response = ErrorResponse(
      Status::InvalidArgument("unknown parameter 'a\xff'").WithParameter("a\xff\xc3\xa9"));
  EXPECT_EQ(response.body,
            "{\"errors\":[{\"status\":\"400\",\"title\":\"Bad Request\",\"detail\":\"unknown "
            "parameter 'a\xEF\xBF\xBD'\",\"source\":{\"parameter\":\"a\xEF\xBF\xBD\xC3\xA9\"}}]}");
}

}  // namespace
}  // namespace dc::http
