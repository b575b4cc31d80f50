// validate_object() of schema.h: kube-openapi's validators as the apiextensions server reports
// them (ValidateCustomResource maps each failure code to a field.Error type).
#include <regex>
#include <set>

#include "apiserver/schema.h"
#include "common/time_format.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

using Type = FieldError::Type;

std::string json_type(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

std::string bound_text(const json& b) {
  return b.is_number_integer() ? b.dump() : go_float(b.get<double>());
}

class Validator {
 public:
  explicit Validator(std::vector<FieldError>& errors) : errors_(errors) {}

  void validate(const json& value, const json& schema, const std::string& path) {
    if (!schema.is_object()) return;
    if (!check_type(value, schema, path)) return;
    if (value.is_null()) return;
    for (const char* key : {"allOf"}) {
      if (schema.contains(key)) {
        for (const auto& sub : schema[key]) validate(value, sub, path);
      }
    }
    check_alternatives(value, schema, path);
    if (value.is_string()) check_string(value.get<std::string>(), schema, path);
    if (value.is_number()) check_number(value, schema, path);
    if (value.is_array()) check_array(value, schema, path);
    check_enum(value, schema, path);
    if (value.is_object()) check_object(value, schema, path);
  }

 private:
  void add(Type type, const std::string& path, std::optional<json> value, std::string detail) {
    errors_.push_back(FieldError{type, path, std::move(value), std::move(detail)});
  }

  bool check_type(const json& value, const json& schema, const std::string& path) {
    const std::string actual = json_type(value);
    if (schema.value("x-kubernetes-int-or-string", false)) {
      if (value.is_number_integer() || value.is_string()) return true;
      if (value.is_null() && schema.value("nullable", false)) return true;
      add(Type::kTypeInvalid, path, actual,
          path + " in body must be of type integer,string: " + go_quote(actual));
      return false;
    }
    if (!schema.contains("type")) return true;
    const std::string want = schema["type"].get<std::string>();
    if (value.is_null()) {
      if (schema.value("nullable", false)) return true;
    } else if (want == actual || (want == "number" && actual == "integer")) {
      return true;
    }
    add(Type::kTypeInvalid, path, actual,
        path + " in body must be of type " + want + ": " + go_quote(actual));
    return false;
  }

  void check_alternatives(const json& value, const json& schema, const std::string& path) {
    for (const char* key : {"anyOf", "oneOf"}) {
      if (!schema.contains(key)) continue;
      int passing = 0;
      for (const auto& sub : schema[key]) {
        std::vector<FieldError> scratch;
        Validator(scratch).validate(value, sub, path);
        if (scratch.empty()) ++passing;
      }
      const bool any = std::string(key) == "anyOf";
      if ((any && passing == 0) || (!any && passing != 1)) {
        add(Type::kInvalid, path, value,
            path + " in body must validate " +
                (any ? "at least one schema (anyOf)" : "one and only one schema (oneOf)"));
      }
    }
    if (schema.contains("not")) {
      std::vector<FieldError> scratch;
      Validator(scratch).validate(value, schema["not"], path);
      if (scratch.empty()) {
        add(Type::kInvalid, path, value, path + " in body must not validate the schema (not)");
      }
    }
  }

  void check_string(const std::string& s, const json& schema, const std::string& path) {
    const size_t length = utf8_length(s);
    if (schema.contains("maxLength") && length > schema["maxLength"].get<size_t>()) {
      add(Type::kTooLong, path, s, "may not be more than " + schema["maxLength"].dump() + " bytes");
    }
    if (schema.contains("minLength") && length < schema["minLength"].get<size_t>()) {
      add(Type::kInvalid, path, s,
          path + " in body should be at least " + schema["minLength"].dump() + " chars long");
    }
    if (schema.contains("pattern")) {
      const std::string pattern = schema["pattern"].get<std::string>();
      bool ok = true;
      try {
        ok = std::regex_search(s, std::regex(pattern, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        ok = true;  // an unsupported pattern is not the object's fault
      }
      if (!ok) add(Type::kInvalid, path, s, path + " in body should match '" + pattern + "'");
    }
    const std::string format = schema.value("format", "");
    if (format == "date-time" && !parse_rfc3339(s)) {
      add(Type::kTypeInvalid, path, s, path + " in body must be of type date-time: " + go_quote(s));
    }
  }

  void check_number(const json& v, const json& schema, const std::string& path) {
    const double d = v.get<double>();
    if (schema.contains("multipleOf")) {
      const double m = schema["multipleOf"].get<double>();
      if (m != 0 && std::fmod(d, m) != 0) {
        add(Type::kInvalid, path, v,
            path + " in body should be a multiple of " + bound_text(schema["multipleOf"]));
      }
    }
    if (schema.contains("maximum")) {
      const double max = schema["maximum"].get<double>();
      const bool exclusive = schema.value("exclusiveMaximum", false);
      if (exclusive ? d >= max : d > max) {
        add(Type::kInvalid, path, v,
            path + " in body should be less than " + (exclusive ? "" : "or equal to ") +
                bound_text(schema["maximum"]));
      }
    }
    if (schema.contains("minimum")) {
      const double min = schema["minimum"].get<double>();
      const bool exclusive = schema.value("exclusiveMinimum", false);
      if (exclusive ? d <= min : d < min) {
        add(Type::kInvalid, path, v,
            path + " in body should be greater than " + (exclusive ? "" : "or equal to ") +
                bound_text(schema["minimum"]));
      }
    }
  }

  void check_array(const json& v, const json& schema, const std::string& path) {
    if (schema.contains("maxItems") && v.size() > schema["maxItems"].get<size_t>()) {
      add(Type::kTooMany, path, static_cast<long long>(v.size()),
          "must have at most " + schema["maxItems"].dump() + " items");
    }
    if (schema.contains("minItems") && v.size() < schema["minItems"].get<size_t>()) {
      add(Type::kInvalid, path, v,
          path + " in body should have at least " + schema["minItems"].dump() + " items");
    }
    if (schema.value("uniqueItems", false) &&
        std::set<json>(v.begin(), v.end()).size() != v.size()) {
      add(Type::kInvalid, path, v, path + " in body shouldn't contain duplicates");
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        validate(v[i], schema["items"], path + "[" + std::to_string(i) + "]");
      }
    }
    check_list_type(v, schema, path);
  }

  void check_list_type(const json& v, const json& schema, const std::string& path) {
    const std::string list_type = schema.value("x-kubernetes-list-type", "");
    if (list_type != "map" && list_type != "set") return;
    std::set<json> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      json key = v[i];
      if (list_type == "map") {
        key = json::object();
        for (const auto& k : schema.value("x-kubernetes-list-map-keys", json::array())) {
          const std::string name = k.get<std::string>();
          if (v[i].is_object() && v[i].contains(name)) key[name] = v[i][name];
        }
      }
      if (!seen.insert(key).second) {
        add(Type::kDuplicate, path + "[" + std::to_string(i) + "]", key, "");
      }
    }
  }

  void check_enum(const json& v, const json& schema, const std::string& path) {
    if (!schema.contains("enum") || !schema["enum"].is_array()) return;
    for (const auto& allowed : schema["enum"]) {
      if (allowed == v) return;
    }
    std::string list;
    for (const auto& allowed : schema["enum"]) {
      const std::string text = allowed.is_string() ? allowed.get<std::string>() : allowed.dump();
      list += (list.empty() ? "" : ", ") + go_quote(text);
    }
    add(Type::kNotSupported, path, v, "supported values: " + list);
  }

  void check_object(const json& v, const json& schema, const std::string& path) {
    for (const auto& req : schema.value("required", json::array())) {
      const std::string name = req.get<std::string>();
      if (!v.contains(name)) add(Type::kRequired, join(path, name), std::nullopt, "");
    }
    if (schema.contains("maxProperties") && v.size() > schema["maxProperties"].get<size_t>()) {
      add(Type::kTooMany, path, static_cast<long long>(v.size()),
          "must have at most " + schema["maxProperties"].dump() + " items");
    }
    if (schema.contains("minProperties") && v.size() < schema["minProperties"].get<size_t>()) {
      add(Type::kInvalid, path, v,
          path + " in body should have at least " + schema["minProperties"].dump() + " properties");
    }
    const json props = schema.value("properties", json::object());
    for (const auto& [key, item] : v.items()) {
      if (props.contains(key)) {
        validate(item, props[key], join(path, key));
      } else if (schema.contains("additionalProperties") &&
                 schema["additionalProperties"].is_object()) {
        validate(item, schema["additionalProperties"], join(path, key));
      }
    }
  }

  static std::string join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  static size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  std::vector<FieldError>& errors_;
};

}  // namespace

std::vector<FieldError> validate_object(const json& object, const json& schema) {
  std::vector<FieldError> errors;
  if (!schema.is_object()) return errors;
  json root = schema;
  // metadata is validated as ObjectMeta elsewhere; apiVersion and kind are checked on decode.
  if (root.contains("properties")) {
    root["properties"].erase("metadata");
    root["properties"].erase("apiVersion");
    root["properties"].erase("kind");
  }
  root.erase("type");
  Validator(errors).validate(object, root, "");
  return errors;
}

}  // namespace orderops::apiserver
