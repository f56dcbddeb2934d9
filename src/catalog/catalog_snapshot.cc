#include "catalog/catalog_snapshot.h"

namespace dc {

CatalogSnapshot::CatalogSnapshot(CatalogData data) : version_(data.version) {
  for (auto& org : data.orgs) orgs_.emplace(org.id, std::move(org));
  for (auto& input : data.inputs) inputs_.emplace(input.id, std::move(input));
  for (auto& asset : data.assets) assets_.emplace(asset.id, std::move(asset));
}

const Organisation* CatalogSnapshot::FindOrg(std::string_view id) const {
  auto it = orgs_.find(id);
  return it == orgs_.end() ? nullptr : &it->second;
}

const Input* CatalogSnapshot::FindInput(std::string_view id) const {
  auto it = inputs_.find(id);
  return it == inputs_.end() ? nullptr : &it->second;
}

const Asset* CatalogSnapshot::FindAsset(int64_t id) const {
  auto it = assets_.find(id);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace dc
