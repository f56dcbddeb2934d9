// Which Content-Encoding an upload may carry (docs/api.md "Upload").

#include "api/content_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dc::api {
namespace {

// The fields of a head, each Content-Encoding value a field of its own.
class FakeHeaders final : public http::HeaderLookup {
 public:
  explicit FakeHeaders(std::vector<std::string> encodings) : encodings_(std::move(encodings)) {}
  std::optional<std::string_view> Get(std::string_view name) const override {
    auto all = GetAll(name);
    if (all.empty()) return std::nullopt;
    return all.front();
  }
  http::HeaderValues GetAll(std::string_view name) const override {
    http::HeaderValues values;
    if (name == "content-encoding") {
      for (const std::string& e : encodings_) values.push_back(e);
    }
    return values;
  }

 private:
  std::vector<std::string> encodings_;
};

Result<BodyCoding> CodingOf(std::vector<std::string> fields) {
  FakeHeaders headers(std::move(fields));
  http::RequestHead head;
  head.headers = &headers;
  return UploadBodyCoding(head);
}

TEST(ContentEncodingTest, AbsentOrIdentityIsTheBodyAsSent) {
  for (const auto& fields : std::vector<std::vector<std::string>>{
           {}, {"identity"}, {"IDENTITY"}, {""}, {" identity , "}, {"identity", "identity"}}) {
    auto coding = CodingOf(fields);
    ASSERT_TRUE(coding) << coding.error().ToString();
    EXPECT_EQ(*coding, BodyCoding::kIdentity);
  }
}

TEST(ContentEncodingTest, OneGzipIsDecoded) {
  for (const auto& fields : std::vector<std::vector<std::string>>{
           {"gzip"}, {"GZip"}, {"x-gzip"}, {" gzip\t"}, {"gzip, identity"}, {"identity", "gzip"}}) {
    auto coding = CodingOf(fields);
    ASSERT_TRUE(coding) << coding.error().ToString();
    EXPECT_EQ(*coding, BodyCoding::kGzip);
  }
}

TEST(ContentEncodingTest, AnythingElseIs415NamingTheHeader) {
  for (const auto& fields : std::vector<std::vector<std::string>>{{"br"},
                                                                  {"deflate"},
                                                                  {"compress"},
                                                                  {"gzip, gzip"},
                                                                  {"gzip", "gzip"},
                                                                  {"gzip, br"},
                                                                  {"zstd"},
                                                                  {"\"gzip\""},
                                                                  {"gzip;q=1"}}) {
    SCOPED_TRACE(fields.empty() ? "" : fields.front());
    auto coding = CodingOf(fields);
    ASSERT_FALSE(coding);
    EXPECT_EQ(coding.error().code(), Status::Code::kUnsupportedMediaType);
    EXPECT_EQ(coding.error().source_kind(), Status::SourceKind::kHeader);
    EXPECT_EQ(coding.error().source(), "content-encoding");
  }
}

}  // namespace
}  // namespace dc::api
