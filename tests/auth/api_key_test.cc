#include "auth/api_key.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "auth/random_ids.h"

namespace dc {
namespace {

TEST(ApiKey, VerifiesTheKeyItHashedAndNothingElse) {
  const KeyHash stored = HashApiKey("f13d34b0123456789abcdefa5da135d61");
  EXPECT_TRUE(VerifyApiKey("f13d34b0123456789abcdefa5da135d61", stored.salt, stored.hash));
  EXPECT_FALSE(VerifyApiKey("f13d34b0123456789abcdefa5da135d62", stored.salt, stored.hash));
  EXPECT_FALSE(VerifyApiKey("", stored.salt, stored.hash));
  // The salt is part of the hash: the same key under another salt fails.
  const KeyHash other = HashApiKey("f13d34b0123456789abcdefa5da135d61");
  EXPECT_NE(other.salt, stored.salt);
  EXPECT_NE(other.hash, stored.hash);
  EXPECT_FALSE(VerifyApiKey("f13d34b0123456789abcdefa5da135d61", other.salt, stored.hash));
}

TEST(ApiKey, TheStoredFormNeverHoldsTheKey) {
  const std::string key = "0123456789abcdef0123";
  const KeyHash stored = HashApiKey(key);
  EXPECT_EQ(stored.hash.find(key), std::string::npos);
  EXPECT_EQ(stored.salt.find(key), std::string::npos);
}

TEST(ApiKey, MalformedStoredHashNeverVerifies) {
  const KeyHash stored = HashApiKey("some key of twenty chars");
  EXPECT_FALSE(VerifyApiKey("some key of twenty chars", "", stored.hash));
  EXPECT_FALSE(VerifyApiKey("some key of twenty chars", stored.salt, stored.hash.substr(1)));
}

TEST(RandomIds, HaveTheDocumentedForms) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string org = GenerateOrgId();
    EXPECT_TRUE(std::regex_match(org, std::regex("[A-Za-z0-9+/]{43}="))) << org;
    const std::string key = GenerateApiKey();
    EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{36}"))) << key;
    const std::string input = GenerateInputId();
    EXPECT_TRUE(std::regex_match(input, std::regex("sen[a-z0-9]{10}"))) << input;
    EXPECT_TRUE(seen.insert(org).second && seen.insert(key).second && seen.insert(input).second);
  }
}

}  // namespace
}  // namespace dc
