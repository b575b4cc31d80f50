#include "apiserver/patch.h"

#include <string>

namespace orderops::apiserver {

using nlohmann::json;

json merge_patch(json target, const json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      target[key] = merge_patch(target.contains(key) ? target[key] : json(), value);
    }
  }
  return target;
}

namespace {

ApiError patch_error(const std::string& message) {
  return ApiError{422,
                  "Invalid",
                  "the server rejected our request due to an error in our request: " + message,
                  {},
                  {}};
}

// Resolves a JSON pointer to its parent and last token; parents must exist.
ApiResult<std::pair<json*, std::string>> locate(json& doc, const std::string& pointer) {
  if (pointer.empty()) return std::pair<json*, std::string>{nullptr, ""};
  if (pointer[0] != '/') return fail(patch_error("invalid JSON pointer " + go_quote(pointer)));
  std::vector<std::string> tokens;
  size_t start = 1;
  while (true) {
    const size_t slash = pointer.find('/', start);
    std::string t =
        pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    for (size_t p; (p = t.find("~1")) != std::string::npos;) t.replace(p, 2, "/");
    for (size_t p; (p = t.find("~0")) != std::string::npos;) t.replace(p, 2, "~");
    tokens.push_back(t);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  json* cur = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (cur->is_object() && cur->contains(t)) {
      cur = &(*cur)[t];
    } else if (cur->is_array() && !t.empty() && std::all_of(t.begin(), t.end(), ::isdigit) &&
               std::stoul(t) < cur->size()) {
      cur = &(*cur)[std::stoul(t)];
    } else {
      return fail(patch_error("doc is missing path: " + go_quote(pointer)));
    }
  }
  return std::pair<json*, std::string>{cur, tokens.back()};
}

ApiResult<json> get_at(json& doc, const std::string& pointer) {
  auto loc = locate(doc, pointer);
  if (!loc) return fail(loc.error());
  auto [parent, token] = *loc;
  if (!parent) return doc;
  if (parent->is_object() && parent->contains(token)) return (*parent)[token];
  if (parent->is_array() && !token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) &&
      std::stoul(token) < parent->size()) {
    return (*parent)[std::stoul(token)];
  }
  return fail(patch_error("doc is missing path: " + go_quote(pointer)));
}

ApiResult<bool> remove_at(json& doc, const std::string& pointer) {
  auto loc = locate(doc, pointer);
  if (!loc) return fail(loc.error());
  auto [parent, token] = *loc;
  if (parent && parent->is_object() && parent->contains(token)) {
    parent->erase(token);
    return true;
  }
  if (parent && parent->is_array() && !token.empty() &&
      std::all_of(token.begin(), token.end(), ::isdigit) && std::stoul(token) < parent->size()) {
    parent->erase(std::stoul(token));
    return true;
  }
  return fail(patch_error("doc is missing path: " + go_quote(pointer)));
}

ApiResult<bool> add_at(json& doc, const std::string& pointer, json value) {
  auto loc = locate(doc, pointer);
  if (!loc) return fail(loc.error());
  auto [parent, token] = *loc;
  if (!parent) {
    doc = std::move(value);
  } else if (parent->is_object()) {
    (*parent)[token] = std::move(value);
  } else if (parent->is_array()) {
    if (token == "-") {
      parent->push_back(std::move(value));
    } else if (!token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) &&
               std::stoul(token) <= parent->size()) {
      parent->insert(parent->begin() + static_cast<long>(std::stoul(token)), std::move(value));
    } else {
      return fail(patch_error("invalid index " + go_quote(token)));
    }
  } else {
    return fail(patch_error("doc is missing path: " + go_quote(pointer)));
  }
  return true;
}

}  // namespace

ApiResult<json> json_patch(json doc, const json& operations) {
  if (!operations.is_array())
    return fail(bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
  for (const auto& op : operations) {
    const std::string kind = op.value("op", "");
    const std::string path = op.value("path", "");
    ApiResult<bool> r = true;
    if (kind == "add") {
      r = add_at(doc, path, op.value("value", json()));
    } else if (kind == "remove") {
      r = remove_at(doc, path);
    } else if (kind == "replace") {
      r = remove_at(doc, path);
      if (r) r = add_at(doc, path, op.value("value", json()));
    } else if (kind == "move" || kind == "copy") {
      auto v = get_at(doc, op.value("from", ""));
      if (!v) return fail(v.error());
      if (kind == "move") r = remove_at(doc, op.value("from", ""));
      if (r) r = add_at(doc, path, *v);
    } else if (kind == "test") {
      auto v = get_at(doc, path);
      if (!v) return fail(v.error());
      if (*v != op.value("value", json())) {
        return fail(patch_error("testing value " + path + " failed: test failed"));
      }
    } else {
      return fail(patch_error("Unexpected kind: " + kind));
    }
    if (!r) return fail(r.error());
  }
  return doc;
}

namespace {

json smp(json target, const json& patch, const std::string& path);

json merge_list(const json& target, const json& patch, const std::string& path) {
  if (path == "metadata.finalizers" && target.is_array()) {
    json out = target;
    for (const auto& v : patch) {
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    return out;
  }
  if (path == "metadata.ownerReferences" && target.is_array()) {
    json out = target;
    for (const auto& item : patch) {
      auto it = std::find_if(out.begin(), out.end(), [&](const json& o) {
        return o.value("uid", "") == item.value("uid", "");
      });
      if (it == out.end()) {
        out.push_back(item);
      } else {
        *it = smp(*it, item, path + "[]");
      }
    }
    return out;
  }
  return patch;
}

json smp(json target, const json& patch, const std::string& path) {
  if (!patch.is_object()) return patch;
  if (patch.value("$patch", "") == "replace") {
    json copy = patch;
    copy.erase("$patch");
    return copy;
  }
  if (!target.is_object()) target = json::object();
  for (const auto& [key, value] : patch.items()) {
    const std::string child = path.empty() ? key : path + "." + key;
    if (key == "$patch" || key == "$retainKeys" || key.rfind("$setElementOrder/", 0) == 0) {
      continue;
    }
    if (key.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      const std::string field = key.substr(std::string("$deleteFromPrimitiveList/").size());
      if (target.contains(field) && target[field].is_array()) {
        json kept = json::array();
        for (const auto& v : target[field]) {
          if (std::find(value.begin(), value.end(), v) == value.end()) kept.push_back(v);
        }
        target[field] = kept;
      }
      continue;
    }
    if (value.is_null() || (value.is_object() && value.value("$patch", "") == "delete")) {
      target.erase(key);
    } else if (value.is_array()) {
      target[key] = merge_list(target.contains(key) ? target[key] : json(), value, child);
    } else {
      target[key] = smp(target.contains(key) ? target[key] : json(), value, child);
    }
  }
  return target;
}

}  // namespace

json strategic_merge_patch(json target, const json& patch) {
  return smp(std::move(target), patch, "");
}

}  // namespace orderops::apiserver
