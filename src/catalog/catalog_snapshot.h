#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/catalog_types.h"
#include "storage/store.h"

namespace dc {

// An immutable, indexed copy of the catalog (organisations, inputs,
// assets) at one catalog version. Shared read-only between threads; lookups
// never touch storage. Returned pointers live as long as the snapshot.
class CatalogSnapshot {
 public:
  explicit CatalogSnapshot(CatalogData data);

  int64_t version() const { return version_; }
  const Organisation* FindOrg(std::string_view id) const;
  const Input* FindInput(std::string_view id) const;
  const Asset* FindAsset(int64_t id) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename T>
  using ById = std::unordered_map<std::string, T, Hash, std::equal_to<>>;

  int64_t version_;
  ById<Organisation> orgs_;
  ById<Input> inputs_;
  std::unordered_map<int64_t, Asset> assets_;
};

}  // namespace dc
