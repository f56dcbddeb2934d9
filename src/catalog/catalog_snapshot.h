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
//
// Inputs and assets are indexed per organisation and found only by
// (organisation, id): another organisation's id is simply absent from the
// caller's index, so it is looked up exactly like an id that exists
// nowhere — same path, same answer, no ownership comparison afterwards.
class CatalogSnapshot {
 public:
  explicit CatalogSnapshot(CatalogData data);

  int64_t version() const { return version_; }
  const Organisation* FindOrg(std::string_view id) const;
  // Input `id` of organisation `org_id`; nullptr when that organisation
  // has no such input (whether or not another one has).
  const Input* FindInput(std::string_view org_id, std::string_view id) const;
  // Asset `id` of organisation `org_id`; nullptr as FindInput.
  const Asset* FindAsset(std::string_view org_id, int64_t id) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename T>
  using ById = std::unordered_map<std::string, T, Hash, std::equal_to<>>;

  // One organisation and everything it owns.
  struct Tenant {
    Organisation org;
    ById<Input> inputs;
    std::unordered_map<int64_t, Asset> assets;
  };

  const Tenant* FindTenant(std::string_view org_id) const;

  int64_t version_;
  ById<Tenant> tenants_;
};

}  // namespace dc
