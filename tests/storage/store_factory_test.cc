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

// A PostgreSQL URL reaches libpq: with no server behind it the answer is
// Unavailable (a database that is down), and never echoes the password.
TEST(OpenStoreTest, PostgresqlUrlReachesPostgres) {
  for (const char* url : {"postgresql://user:secret@127.0.0.1:1/dc", "postgres://127.0.0.1:1/dc",
                          "host=127.0.0.1 port=1 password=secret dbname=dc connect_timeout=2"}) {
    Result<std::unique_ptr<Store>> store = OpenStore(url, {});
    ASSERT_FALSE(store.has_value()) << url;
    EXPECT_TRUE(store.error().IsUnavailable()) << store.error().ToString();
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
  EXPECT_EQ(DescribeStoreUrl("postgresql://dc:s3cret@db:5432/dc"), "postgresql dc@db:5432/dc");
  EXPECT_EQ(DescribeStoreUrl("postgres://db/dc?password=s3cret&sslmode=require"),
            "postgresql db/dc sslmode=require");
  EXPECT_EQ(DescribeStoreUrl("mysql://dc:s3cret@db/dc"), "mysql://dc:***@db/dc");
  EXPECT_EQ(DescribeStoreUrl("host=db password=s3cret dbname=dc"), "postgresql db/dc");
}

}  // namespace
}  // namespace dc
