#include "api/manifest.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/codec.h"
#include "api/defaulting.h"
#include "api/yaml_json.h"

namespace orderops::api {
namespace {

using nlohmann::json;

std::string string_field(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string describe(const json& doc, size_t index) {
  std::string out = "document " + std::to_string(index + 1);
  const std::string kind = string_field(doc, "kind");
  const auto meta = doc.find("metadata");
  const std::string name =
      meta != doc.end() && meta->is_object() ? string_field(*meta, "name") : "";
  if (!kind.empty()) out += " (" + kind + (name.empty() ? "" : " " + name) + ")";
  return out;
}

bool is_our_group(const json& doc) {
  return string_field(doc, "apiVersion").starts_with(std::string(kGroup) + "/");
}

Result<Resource> decode_document(json doc) {
  apply_defaults(doc);
  if (string_field(doc, "kind") == kAftersalesTimeoutPolicyKind) {
    auto r = parse_aftersales_timeout_policy(doc);
    if (!r) return std::unexpected(r.error());
    return Resource(std::move(*r));
  }
  auto r = parse_profit_share_schedule(doc);
  if (!r) return std::unexpected(r.error());
  return Resource(std::move(*r));
}

}  // namespace

std::string_view kind_of(const Resource& resource) {
  return std::holds_alternative<AftersalesTimeoutPolicy>(resource) ? kAftersalesTimeoutPolicyKind
                                                                   : kProfitShareScheduleKind;
}

const ObjectMeta& metadata_of(const Resource& resource) {
  return std::visit([](const auto& r) -> const ObjectMeta& { return r.metadata; }, resource);
}

Result<std::vector<Resource>> load_resources(std::string_view text, std::string_view source) {
  auto docs = yaml_documents_to_json(text, source);
  if (!docs) return std::unexpected(docs.error());
  std::vector<Resource> out;
  for (size_t i = 0; i < docs->size(); ++i) {
    json& doc = (*docs)[i];
    const std::string where = std::string(source) + ": " + describe(doc, i);
    if (!doc.is_object()) return invalid(where + ": expected a mapping with apiVersion and kind");
    const std::string kind = string_field(doc, "kind");
    const bool ours = kind == kAftersalesTimeoutPolicyKind || kind == kProfitShareScheduleKind;
    if (!ours) {
      if (is_our_group(doc)) {
        return invalid(where + ": unknown kind " + quote(kind) +
                       " (want AftersalesTimeoutPolicy or ProfitShareSchedule)");
      }
      continue;  // Secrets, Namespaces and the like travel in the same files
    }
    auto resource = decode_document(std::move(doc));
    if (!resource) return std::unexpected(resource.error().wrap(where));
    out.push_back(std::move(*resource));
  }
  if (out.empty()) {
    return invalid(std::string(source) +
                   ": no AftersalesTimeoutPolicy or ProfitShareSchedule found");
  }
  return out;
}

Result<std::vector<Resource>> load_resources_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, path.string() + ": cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kInvalid, path.string() + ": cannot read file");
  return load_resources(text.str(), path.string());
}

Result<Resource> load_resource_file(const std::filesystem::path& path, std::string_view name) {
  auto all = load_resources_file(path);
  if (!all) return std::unexpected(all.error());
  std::vector<Resource> matches;
  std::string listed;
  for (auto& r : *all) {
    const std::string& n = metadata_of(r).name;
    if (!listed.empty()) listed += ", ";
    listed += std::string(kind_of(r)) + " " + n;
    if (name.empty() || n == name) matches.push_back(std::move(r));
  }
  if (matches.size() == 1) return std::move(matches.front());
  if (matches.empty()) {
    return invalid(path.string() + ": no resource named " + quote(name) + " (found " + listed +
                   ")");
  }
  return invalid(path.string() + ": " + std::to_string(matches.size()) +
                 " resources, pick one by name (found " + listed + ")");
}

}  // namespace orderops::api
