#include "apiserver/managed_fields.h"

#include <set>
#include <vector>

namespace orderops::apiserver {

using nlohmann::json;
using Path = std::vector<std::string>;

namespace {

json child_schema(const json& schema, const std::string& key) {
  if (!schema.is_object()) return json();
  if (schema.contains("properties") && schema["properties"].contains(key)) {
    return schema["properties"][key];
  }
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    return schema["additionalProperties"];
  }
  return json();
}

std::vector<std::string> map_keys(const json& schema) {
  std::vector<std::string> keys;
  if (schema.is_object() && schema.value("x-kubernetes-list-type", "") == "map") {
    for (const auto& k : schema.value("x-kubernetes-list-map-keys", json::array())) {
      keys.push_back(k.get<std::string>());
    }
  }
  return keys;
}

json item_key(const json& item, const std::vector<std::string>& keys) {
  json k = json::object();
  for (const auto& name : keys) {
    if (item.is_object() && item.contains(name)) k[name] = item[name];
  }
  return k;
}

json field_set(const json& value, const json& schema) {
  json set = json::object();
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) set["f:" + k] = field_set(v, child_schema(schema, k));
  } else if (value.is_array()) {
    const auto keys = map_keys(schema);
    if (keys.empty()) return set;
    for (const auto& item : value) {
      json sub = field_set(item, schema.value("items", json()));
      sub["."] = json::object();
      set["k:" + item_key(item, keys).dump()] = sub;
    }
  }
  return set;
}

json root_field_set(const json& object, const json& schema) {
  json set = json::object();
  for (const auto& [k, v] : object.items()) {
    if (k == "apiVersion" || k == "kind") continue;
    if (k == "metadata") {
      json meta = json::object();
      for (const char* f : {"labels", "annotations"}) {
        if (v.contains(f)) meta[std::string("f:") + f] = field_set(v[f], json());
      }
      for (const char* f : {"finalizers", "ownerReferences"}) {
        if (v.contains(f)) meta[std::string("f:") + f] = json::object();
      }
      if (!meta.empty()) set["f:metadata"] = meta;
      continue;
    }
    set["f:" + k] = field_set(v, child_schema(schema, k));
  }
  return set;
}

void leaves(const json& set, Path& prefix, std::vector<Path>& out) {
  if (!set.is_object()) return;
  if (set.empty()) {
    if (!prefix.empty()) out.push_back(prefix);
    return;
  }
  for (const auto& [k, v] : set.items()) {
    prefix.push_back(k);
    leaves(v, prefix, out);
    prefix.pop_back();
  }
}

std::vector<Path> leaves_of(const json& set) {
  std::vector<Path> out;
  Path prefix;
  leaves(set, prefix, out);
  return out;
}

json tree_of(const std::vector<Path>& paths) {
  json tree = json::object();
  for (const auto& p : paths) {
    json* cur = &tree;
    for (const auto& t : p) {
      if (!cur->contains(t)) (*cur)[t] = json::object();
      cur = &(*cur)[t];
    }
  }
  return tree;
}

// Walks an object along a field path; nullptr when absent.
const json* value_at(const json& object, const Path& path) {
  const json* cur = &object;
  for (const auto& t : path) {
    if (t == ".") return cur;
    if (t.rfind("f:", 0) == 0) {
      const std::string name = t.substr(2);
      if (!cur->is_object() || !cur->contains(name)) return nullptr;
      cur = &(*cur)[name];
    } else if (t.rfind("k:", 0) == 0) {
      if (!cur->is_array()) return nullptr;
      const json key = json::parse(t.substr(2));
      const json* found = nullptr;
      for (const auto& item : *cur) {
        bool match = item.is_object();
        for (const auto& [k, v] : key.items()) match = match && item.contains(k) && item[k] == v;
        if (match) found = &item;
      }
      if (!found) return nullptr;
      cur = found;
    } else {
      return nullptr;
    }
  }
  return cur;
}

void remove_at(json& object, const Path& path) {
  if (path.empty()) return;
  json* cur = &object;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const json* next = value_at(*cur, Path{path[i]});
    if (!next) return;
    cur = const_cast<json*>(next);
  }
  const std::string& last = path.back();
  if (last == ".") return;
  if (last.rfind("f:", 0) == 0 && cur->is_object()) {
    cur->erase(last.substr(2));
  } else if (last.rfind("k:", 0) == 0 && cur->is_array()) {
    const json* target = value_at(*cur, Path{last});
    for (auto it = cur->begin(); it != cur->end(); ++it) {
      if (&*it == target) {
        cur->erase(it);
        break;
      }
    }
  }
}

std::string path_text(const Path& path) {
  std::string out;
  for (const auto& t : path) {
    if (t.rfind("f:", 0) == 0) {
      out += "." + t.substr(2);
    } else if (t.rfind("k:", 0) == 0) {
      std::string inner;
      const json key = json::parse(t.substr(2));
      for (const auto& [k, v] : key.items()) {
        inner += (inner.empty() ? "" : ",") + k + "=" + v.dump();
      }
      out += "[" + inner + "]";
    }
  }
  return out;
}

json apply_merge(const json& live, const json& applied, const json& schema) {
  if (!applied.is_object() && !applied.is_array()) return applied;
  if (applied.is_array()) {
    const auto keys = map_keys(schema);
    if (keys.empty() || !live.is_array()) return applied;
    json out = live;
    for (const auto& item : applied) {
      const json k = item_key(item, keys);
      bool merged = false;
      for (auto& existing : out) {
        if (item_key(existing, keys) == k) {
          existing = apply_merge(existing, item, schema.value("items", json()));
          merged = true;
        }
      }
      if (!merged) out.push_back(item);
    }
    return out;
  }
  json out = live.is_object() ? live : json::object();
  for (const auto& [k, v] : applied.items()) {
    out[k] = apply_merge(out.contains(k) ? out[k] : json(), v, child_schema(schema, k));
  }
  return out;
}

void subtract(json& entries, const std::vector<Path>& taken, const json* keep) {
  const std::set<Path> drop(taken.begin(), taken.end());
  for (auto& e : entries) {
    if (&e == keep) continue;
    std::vector<Path> kept;
    for (auto& p : leaves_of(e.value("fieldsV1", json::object()))) {
      if (!drop.count(p)) kept.push_back(p);
    }
    e["fieldsV1"] = tree_of(kept);
  }
}

json& entry_for(json& entries, const ManagerInfo& who, const std::string& operation) {
  for (auto& e : entries) {
    if (e.value("manager", "") == who.manager && e.value("operation", "") == operation &&
        e.value("subresource", "") == who.subresource) {
      return e;
    }
  }
  json e = {{"manager", who.manager}, {"operation", operation},   {"apiVersion", who.api_version},
            {"time", who.time},       {"fieldsType", "FieldsV1"}, {"fieldsV1", json::object()}};
  if (!who.subresource.empty()) e["subresource"] = who.subresource;
  entries.push_back(e);
  return entries.back();
}

void drop_empty(json& entries) {
  json kept = json::array();
  for (auto& e : entries) {
    if (!e.value("fieldsV1", json::object()).empty()) kept.push_back(e);
  }
  entries = kept;
}

}  // namespace

void record_update(const json* old_object, json& new_object, const ManagerInfo& who,
                   const json& schema) {
  json entries = old_object
                     ? old_object->value("/metadata/managedFields"_json_pointer, json::array())
                     : json::array();
  if (!entries.is_array()) entries = json::array();
  std::vector<Path> changed;
  for (auto& p : leaves_of(root_field_set(new_object, schema))) {
    const json* before = old_object ? value_at(*old_object, p) : nullptr;
    const json* after = value_at(new_object, p);
    if (!before || !after || *before != *after) changed.push_back(p);
  }
  if (!changed.empty()) {
    subtract(entries, changed, nullptr);
    json& mine = entry_for(entries, who, "Update");
    auto owned = leaves_of(mine["fieldsV1"]);
    owned.insert(owned.end(), changed.begin(), changed.end());
    mine["fieldsV1"] = tree_of(owned);
    mine["time"] = who.time;
    mine["apiVersion"] = who.api_version;
  }
  drop_empty(entries);
  new_object["metadata"]["managedFields"] = entries;
  if (entries.empty()) new_object["metadata"].erase("managedFields");
}

ApiResult<json> server_side_apply(const json& live, const json& applied, const ManagerInfo& who,
                                  bool force, const json& schema) {
  json result = live.is_object() ? live : json::object();
  json entries = result.value("/metadata/managedFields"_json_pointer, json::array());
  if (!entries.is_array()) entries = json::array();
  const auto applied_leaves = leaves_of(root_field_set(applied, schema));
  std::vector<std::pair<std::string, Path>> conflicts;
  for (const auto& e : entries) {
    if (e.value("manager", "") == who.manager && e.value("operation", "") == "Apply") continue;
    const auto owned = leaves_of(e.value("fieldsV1", json::object()));
    const std::set<Path> owned_set(owned.begin(), owned.end());
    for (const auto& p : applied_leaves) {
      if (!owned_set.count(p)) continue;
      const json* now = value_at(live, p);
      const json* want = value_at(applied, p);
      if (now && want && *now != *want) conflicts.emplace_back(e.value("manager", ""), p);
    }
  }
  if (!conflicts.empty() && !force) {
    json causes = json::array();
    std::string message = "Apply failed with " + std::to_string(conflicts.size()) + " conflict" +
                          (conflicts.size() == 1 ? "" : "s") + ":";
    for (const auto& [manager, p] : conflicts) {
      const std::string who_text = "conflict with " + go_quote(manager);
      causes.push_back(
          {{"reason", "FieldManagerConflict"}, {"message", who_text}, {"field", path_text(p)}});
      message += " " + who_text + ": " + path_text(p);
    }
    return fail(ApiError{409, "Conflict", message, {{"causes", causes}}, {}});
  }
  std::vector<Path> taken;
  for (const auto& c : conflicts) taken.push_back(c.second);
  subtract(entries, taken, nullptr);
  // Fields this manager applied before but no longer applies are removed unless someone else
  // still owns them.
  json& mine = entry_for(entries, who, "Apply");
  const std::set<Path> now_applied(applied_leaves.begin(), applied_leaves.end());
  std::set<Path> others;
  for (const auto& e : entries) {
    if (&e == &mine) continue;
    for (auto& p : leaves_of(e.value("fieldsV1", json::object()))) others.insert(p);
  }
  json merged = apply_merge(result, applied, schema);
  for (const auto& p : leaves_of(mine["fieldsV1"])) {
    if (!now_applied.count(p) && !others.count(p)) remove_at(merged, p);
  }
  mine["fieldsV1"] = root_field_set(applied, schema);
  mine["time"] = who.time;
  mine["apiVersion"] = who.api_version;
  drop_empty(entries);
  merged["metadata"]["managedFields"] = entries;
  return merged;
}

}  // namespace orderops::apiserver
