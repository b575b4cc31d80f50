#include "kube/object.h"

namespace orderops::kube {

std::string ObjectKey::to_string() const { return ns.empty() ? name : ns + "/" + name; }

Result<ObjectKey> ObjectKey::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return ObjectKey{"", std::string(text)};
  if (text.find('/', slash + 1) != std::string_view::npos || slash == 0 ||
      slash + 1 == text.size()) {
    return invalid("object key \"" + std::string(text) + "\": want namespace/name or name");
  }
  return ObjectKey{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

std::string string_at(const Json& object, std::string_view pointer) {
  const Json* node = &object;
  size_t start = 1;
  while (start <= pointer.size() && !pointer.empty()) {
    const size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string part(pointer.substr(start, end - start));
    if (!node->is_object()) return {};
    const auto it = node->find(part);
    if (it == node->end()) return {};
    node = &*it;
    start = end + 1;
  }
  return node->is_string() ? node->get<std::string>() : std::string();
}

std::string name_of(const Json& object) { return string_at(object, "/metadata/name"); }
std::string namespace_of(const Json& object) { return string_at(object, "/metadata/namespace"); }
std::string resource_version_of(const Json& object) {
  return string_at(object, "/metadata/resourceVersion");
}
std::string uid_of(const Json& object) { return string_at(object, "/metadata/uid"); }

std::int64_t generation_of(const Json& object) {
  if (!object.is_object()) return 0;
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return 0;
  const auto gen = meta->find("generation");
  return gen != meta->end() && gen->is_number_integer() ? gen->get<std::int64_t>() : 0;
}

ObjectKey key_of(const Json& object) { return ObjectKey{namespace_of(object), name_of(object)}; }

Result<Json> parse_json(std::string_view text, std::string_view what) {
  Json out = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return invalid(std::string(what) + ": not valid JSON");
  return out;
}

}  // namespace orderops::kube
