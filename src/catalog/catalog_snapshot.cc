#include "catalog/catalog_snapshot.h"

namespace dc {

CatalogSnapshot::CatalogSnapshot(CatalogData data) : version_(data.version) {
  for (auto& org : data.orgs) {
    std::string id = org.id;
    tenants_.emplace(std::move(id), Tenant{std::move(org), {}, {}});
  }
  // The store's foreign keys guarantee an owner; an orphan could never be
  // reached by any caller, so it is left out.
  for (auto& input : data.inputs) {
    auto tenant = tenants_.find(input.org_id);
    if (tenant != tenants_.end()) tenant->second.inputs.emplace(input.id, std::move(input));
  }
  for (auto& asset : data.assets) {
    auto tenant = tenants_.find(asset.org_id);
    if (tenant != tenants_.end()) tenant->second.assets.emplace(asset.id, std::move(asset));
  }
}

const CatalogSnapshot::Tenant* CatalogSnapshot::FindTenant(std::string_view org_id) const {
  auto it = tenants_.find(org_id);
  return it == tenants_.end() ? nullptr : &it->second;
}

const Organisation* CatalogSnapshot::FindOrg(std::string_view id) const {
  const Tenant* tenant = FindTenant(id);
  return tenant == nullptr ? nullptr : &tenant->org;
}

const Input* CatalogSnapshot::FindInput(std::string_view org_id, std::string_view id) const {
  const Tenant* tenant = FindTenant(org_id);
  if (tenant == nullptr) return nullptr;
  auto it = tenant->inputs.find(id);
  return it == tenant->inputs.end() ? nullptr : &it->second;
}

const Asset* CatalogSnapshot::FindAsset(std::string_view org_id, int64_t id) const {
  const Tenant* tenant = FindTenant(org_id);
  if (tenant == nullptr) return nullptr;
  auto it = tenant->assets.find(id);
  return it == tenant->assets.end() ? nullptr : &it->second;
}

}  // namespace dc
