#include "cli/setup_commands.h"

#include "auth/api_key.h"
#include "auth/random_ids.h"
#include "cli/json_output.h"
#include "domain/ids.h"

namespace dc::cli {
namespace {

using Writer = JsonWriter;

std::string Finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string OrgJson(const std::string& id, const std::string& name, const std::string& key) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "id", id);
  Field(writer, "name", name);
  Field(writer, "api_key", key);
  writer.EndObject();
  return Finish(buffer);
}

std::string AssetJson(const Asset& asset) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Int64(asset.id);
  Field(writer, "name", asset.name);
  writer.Key("inputs");
  writer.StartArray();
  for (const std::string& input : asset.input_ids) {
    writer.String(input.data(), static_cast<rapidjson::SizeType>(input.size()));
  }
  writer.EndArray();
  writer.EndObject();
  return Finish(buffer);
}

Status CheckName(const std::string& name, const char* what) {
  if (IsValidName(name)) return Status::Ok();
  return Status::InvalidArgument(std::string(what) +
                                 " name must be 1-200 characters of UTF-8 text without control "
                                 "characters, got '" +
                                 name.substr(0, 64) + "'");
}

}  // namespace

Result<std::string> OrgCreate(Store& store, const OrgCreateArgs& args) {
  DC_RETURN_IF_ERROR(CheckName(args.name, "organisation"));
  if (args.id && !IsValidOrgId(*args.id)) {
    return Status::InvalidArgument(
        "--id must be 1-128 characters of [A-Za-z0-9+/=._~-], not starting with '-', got '" +
        args.id->substr(0, 64) + "'");
  }
  if (args.api_key && !IsValidApiKey(*args.api_key)) {
    return Status::InvalidArgument(
        "--api-key must be 16-128 printable ASCII characters without spaces");
  }
  Organisation org;
  org.id = args.id ? *args.id : GenerateOrgId();
  org.name = args.name;
  const std::string key = args.api_key ? *args.api_key : GenerateApiKey();
  KeyHash hashed = HashApiKey(key);
  org.key_salt = std::move(hashed.salt);
  org.key_hash = std::move(hashed.hash);
  DC_RETURN_IF_ERROR(store.CreateOrg(org));
  return OrgJson(org.id, org.name, key);
}

Result<std::string> OrgRotateKey(Store& store, const std::string& org_id) {
  auto org = store.FindOrg(org_id);
  if (!org) return org.error();
  const std::string key = GenerateApiKey();
  const KeyHash hashed = HashApiKey(key);
  DC_RETURN_IF_ERROR(store.SetOrgKey(org_id, hashed.salt, hashed.hash));
  return OrgJson(org->id, org->name, key);
}

Result<std::string> InputCreate(Store& store, const InputCreateArgs& args) {
  DC_RETURN_IF_ERROR(CheckName(args.name, "input"));
  if (!IsValidMeasureUnit(args.unit)) {
    return Status::InvalidArgument(
        "--unit must be 0-50 characters of UTF-8 text without control characters");
  }
  auto source = ParseDataSource(args.source);
  if (!source) {
    return Status::InvalidArgument("--source must be API or MQTT, got '" +
                                   args.source.substr(0, 64) + "'");
  }
  if (args.id && !IsValidInputId(*args.id)) {
    return Status::InvalidArgument("--id must be 1-64 characters of [A-Za-z0-9_-], got '" +
                                   args.id->substr(0, 64) + "'");
  }
  Input input;
  input.id = args.id ? *args.id : GenerateInputId();
  input.org_id = args.org_id;
  input.name = args.name;
  input.measure_unit = args.unit;
  input.data_source = *source;
  auto stored = store.CreateInput(input);
  if (!stored) return stored.error();

  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "id", stored->id);
  Field(writer, "name", stored->name);
  Field(writer, "measure_unit", stored->measure_unit);
  Field(writer, "data_source", DataSourceName(stored->data_source));
  writer.EndObject();
  return Finish(buffer);
}

Result<std::string> AssetCreate(Store& store, const AssetCreateArgs& args) {
  DC_RETURN_IF_ERROR(CheckName(args.name, "asset"));
  if (args.id && *args.id <= 0) {
    return Status::InvalidArgument("--id must be a positive integer");
  }
  Asset asset;
  asset.id = args.id.value_or(0);
  asset.org_id = args.org_id;
  asset.name = args.name;
  asset.input_ids = args.inputs;
  auto stored = store.CreateAsset(asset);
  if (!stored) return stored.error();
  return AssetJson(*stored);
}

Result<std::string> AssetAddInput(Store& store, const std::string& org_id, int64_t asset_id,
                                  const std::string& input_id) {
  auto stored = store.AddInputToAsset(org_id, asset_id, input_id);
  if (!stored) return stored.error();
  return AssetJson(*stored);
}

}  // namespace dc::cli
