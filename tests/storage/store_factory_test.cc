// OpenStore: which URLs reach which backend.
#include "storage/store_factory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "support/temp_dir.h"

namespace dc {
namespace {

using ::dc::testing::TempDir;

TEST(OpenStoreTest, SqliteUrlOpensTheFile) {
  TempDir dir;
  Result<std::unique_ptr<Store>> store = OpenStore("sqlite:" + dir.File("a.db"), {});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_TRUE((*store)->CatalogVersion().has_value());
  EXPECT_TRUE(std::filesystem::exists(dir.File("a.db")));
}

TEST(OpenStoreTest, SchemeIsCaseInsensitive) {
  TempDir dir;
  Result<std::unique_ptr<Store>> store = OpenStore("SQLite:" + dir.File("a.db"), {});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
}

TEST(OpenStoreTest, BarePathIsSqlite) {
  TempDir dir;
  Result<std::unique_ptr<Store>> store = OpenStore(dir.File("b.db"), {});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir.File("b.db")));
}

TEST(OpenStoreTest, BarePathWithAColonIsStillAPath) {
  TempDir dir;
  Result<std::unique_ptr<Store>> store = OpenStore(dir.File("2024:01.db"), {});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir.File("2024:01.db")));
}

TEST(OpenStoreTest, BothSpellingsOfTheSameFileShareData) {
  TempDir dir;
  {
    Result<std::unique_ptr<Store>> store = OpenStore("sqlite:" + dir.File("c.db"), {});
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE(
        (*store)
            ->CreateOrg(Organisation{.id = "o", .name = "O", .key_salt = "s", .key_hash = "h"})
            .ok());
  }
  Result<std::unique_ptr<Store>> store = OpenStore(dir.File("c.db"), {});
  ASSERT_TRUE(store.has_value());
  EXPECT_TRUE((*store)->FindOrg("o").has_value());
}

TEST(OpenStoreTest, PostgresqlIsNotBuiltYet) {
  for (const char* url : {"postgresql://user:secret@localhost/dc", "postgres://localhost/dc"}) {
    Result<std::unique_ptr<Store>> store = OpenStore(url, {});
    ASSERT_FALSE(store.has_value()) << url;
    EXPECT_TRUE(store.error().IsInvalidArgument()) << store.error().ToString();
    EXPECT_NE(store.error().detail().find("PostgreSQL backend is not built yet"),
              std::string::npos);
    EXPECT_EQ(store.error().detail().find("secret"), std::string::npos);  // no password echo
  }
}

TEST(OpenStoreTest, OtherSchemesAreInvalidArgument) {
  for (const char* url : {"mysql://localhost/dc", "file:dc.db", "http://x/y"}) {
    Result<std::unique_ptr<Store>> store = OpenStore(url, {});
    ASSERT_FALSE(store.has_value()) << url;
    EXPECT_TRUE(store.error().IsInvalidArgument()) << store.error().ToString();
  }
  EXPECT_FALSE(std::filesystem::exists("dc.db"));
}

TEST(OpenStoreTest, EmptyPathIsInvalidArgument) {
  for (const char* url : {"", "sqlite:"}) {
    Result<std::unique_ptr<Store>> store = OpenStore(url, {});
    ASSERT_FALSE(store.has_value()) << url;
    EXPECT_TRUE(store.error().IsInvalidArgument()) << store.error().ToString();
  }
}

// What the server logs of a database URL: never a password.
TEST(DescribeStoreUrlTest, NamesTheBackendAndHidesPasswords) {
  EXPECT_EQ(DescribeStoreUrl("./data.db"), "sqlite ./data.db");
  EXPECT_EQ(DescribeStoreUrl("sqlite:/var/lib/d.db"), "sqlite /var/lib/d.db");
  EXPECT_EQ(DescribeStoreUrl("postgresql://dc:s3cret@db:5432/dc"),
            "postgresql://dc:***@db:5432/dc");
  EXPECT_EQ(DescribeStoreUrl("postgres://db/dc?password=s3cret&sslmode=require"),
            "postgres://db/dc?password=***&sslmode=require");
  // Until the PostgreSQL backend exists a keyword string reads as a path,
  // and still shows no password.
  EXPECT_EQ(DescribeStoreUrl("host=db password=s3cret dbname=dc"),
            "sqlite host=db password=*** dbname=dc");
}

}  // namespace
}  // namespace dc
