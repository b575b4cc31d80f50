#include "apiserver/object_meta.h"

#include <regex>

#include "apiserver/encoding.h"
#include "common/time_format.h"

namespace orderops::apiserver {

using nlohmann::json;
using Type = FieldError::Type;

namespace {

constexpr const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr const char* kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr const char* kLabelValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
    " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

bool is_subdomain(const std::string& s) {
  static const std::regex kRe("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return s.size() <= 253 && std::regex_match(s, kRe);
}

bool is_dns_label(const std::string& s) {
  static const std::regex kRe("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return s.size() <= 63 && std::regex_match(s, kRe);
}

bool is_label_value(const std::string& s) {
  static const std::regex kRe("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  return s.size() <= 63 && std::regex_match(s, kRe);
}

bool is_qualified_name(const std::string& s) {
  static const std::regex kName("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  const size_t slash = s.find('/');
  if (slash == std::string::npos) return s.size() <= 63 && std::regex_match(s, kName);
  const std::string prefix = s.substr(0, slash), name = s.substr(slash + 1);
  return is_subdomain(prefix) && name.size() <= 63 && std::regex_match(name, kName);
}

// Go's time.Parse with layout RFC3339Micro: exactly six fractional digits.
bool is_micro_time(const std::string& s) {
  static const std::regex kRe(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2})"
      "$");
  return std::regex_match(s, kRe) && parse_rfc3339(s).has_value();
}

ApiResult<bool> normalize_time(const ResourceType& type, json& parent, const char* field,
                               bool micro) {
  if (!parent.is_object() || !parent.contains(field) || parent[field].is_null()) return true;
  const std::string text = parent[field].is_string() ? parent[field].get<std::string>() : "";
  const auto t = parse_rfc3339(text);
  if (!t || (micro && !is_micro_time(text))) {
    const char* layout = micro ? "2006-01-02T15:04:05.000000Z07:00" : "2006-01-02T15:04:05Z07:00";
    return fail(decode_error(type, "parsing time " + go_quote(text) + " as " + go_quote(layout) +
                                       ": cannot parse " + go_quote(text) + " as " +
                                       go_quote(layout)));
  }
  parent[field] = micro ? format_rfc3339_micro(*t) : format_rfc3339(*t);
  return true;
}

std::vector<FieldError> event_rules(const json& event) {
  std::vector<FieldError> errors;
  const std::string ns = event["metadata"].value("namespace", "");
  const json io = event.value("involvedObject", json::object());
  const std::string io_ns = io.value("namespace", "");
  if ((io_ns.empty() && !ns.empty() && ns != "default") || (!io_ns.empty() && io_ns != ns)) {
    errors.push_back(
        {Type::kInvalid, "involvedObject.namespace", io_ns, "does not match event.namespace"});
  }
  if (event.contains("eventTime") && !event["eventTime"].is_null()) {
    if (event.value("reportingComponent", "").empty()) {
      errors.push_back({Type::kRequired, "reportingController", std::nullopt, ""});
    }
    if (event.value("reportingInstance", "").empty()) {
      errors.push_back({Type::kRequired, "reportingInstance", std::nullopt, ""});
    }
    if (event.value("action", "").empty()) {
      errors.push_back({Type::kRequired, "action", std::nullopt, ""});
    }
  }
  const std::string type = event.value("type", "");
  if (!type.empty() && type != "Normal" && type != "Warning") {
    errors.push_back(
        {Type::kNotSupported, "type", type, "supported values: \"Normal\", \"Warning\""});
  }
  return errors;
}

void rename(json& obj, const char* from, const char* to) {
  if (obj.contains(from)) {
    obj[to] = obj[from];
    obj.erase(from);
  }
}

}  // namespace

ApiError decode_error(const ResourceType& type, const std::string& detail) {
  return bad_request(type.kind + " in version " + go_quote(type.version) +
                     " cannot be handled as a " + type.kind + ": " + detail);
}

std::vector<FieldError> validate_metadata(const ResourceType& type, const json& meta) {
  std::vector<FieldError> errors;
  const std::string name = meta.value("name", "");
  if (type.kind == "Namespace") {
    if (!is_dns_label(name))
      errors.push_back({Type::kInvalid, "metadata.name", name, kLabelMessage});
  } else if (!is_subdomain(name)) {
    errors.push_back({Type::kInvalid, "metadata.name", name, kSubdomainMessage});
  }
  const json labels = meta.value("labels", json::object());
  for (const auto& [key, value] : labels.items()) {
    if (!is_qualified_name(key)) {
      errors.push_back({Type::kInvalid, "metadata.labels", key,
                        "name part must consist of alphanumeric characters, '-', '_' or '.', and "
                        "must start and end with an alphanumeric character"});
    }
    const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    if (!is_label_value(v))
      errors.push_back({Type::kInvalid, "metadata.labels", v, kLabelValueMessage});
  }
  int controllers = 0;
  const json refs = meta.value("ownerReferences", json::array());
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string base = "metadata.ownerReferences[" + std::to_string(i) + "]";
    for (const char* f : {"apiVersion", "kind", "name", "uid"}) {
      if (refs[i].value(f, "").empty()) {
        errors.push_back(
            {Type::kInvalid, base + "." + f, "", std::string(f) + " must not be empty"});
      }
    }
    if (refs[i].value("controller", false)) ++controllers;
  }
  if (controllers > 1) {
    errors.push_back({Type::kInvalid, "metadata.ownerReferences", std::nullopt,
                      "Only one reference can have Controller set to true"});
  }
  return errors;
}

ApiResult<std::vector<FieldError>> normalize_builtin(const ResourceType& type, json& obj) {
  std::vector<FieldError> errors;
  if (type.kind == "Secret") {
    if (!obj.contains("type") || obj["type"] == "") obj["type"] = "Opaque";
    const json data = obj.value("data", json::object());
    for (const auto& [k, v] : data.items()) {
      if (!v.is_string() || !base64_decode(v.get<std::string>())) {
        return fail(decode_error(type, "illegal base64 data in data." + k));
      }
    }
    if (obj.contains("stringData")) {
      for (const auto& [k, v] : obj["stringData"].items()) {
        obj["data"][k] = base64_encode(v.is_string() ? v.get<std::string>() : v.dump());
      }
      obj.erase("stringData");
    }
  } else if (type.kind == "Lease") {
    json& spec = obj["spec"];
    if (spec.is_null()) spec = json::object();
    for (const char* f : {"acquireTime", "renewTime"}) {
      if (auto r = normalize_time(type, spec, f, true); !r) return fail(r.error());
    }
  } else if (type.kind == "Event") {
    const bool v1 = type.group.empty();
    for (const char* f : {"eventTime"}) {
      if (auto r = normalize_time(type, obj, f, true); !r) return fail(r.error());
    }
    for (const char* f : {"firstTimestamp", "lastTimestamp", "deprecatedFirstTimestamp",
                          "deprecatedLastTimestamp"}) {
      if (auto r = normalize_time(type, obj, f, false); !r) return fail(r.error());
    }
    if (obj.contains("series") && obj["series"].is_object()) {
      if (auto r = normalize_time(type, obj["series"], "lastObservedTime", true); !r) {
        return fail(r.error());
      }
    }
    if (v1) errors = event_rules(obj);
  } else if (type.kind == "Namespace") {
    if (!obj.contains("spec") || !obj["spec"].contains("finalizers")) {
      obj["spec"]["finalizers"] = json::array({"kubernetes"});
    }
    if (!obj.contains("status") || !obj["status"].contains("phase"))
      obj["status"]["phase"] = "Active";
  }
  return errors;
}

json to_storage(const ResourceType& type, json obj) {
  if (type.kind == "Event" && type.group == "events.k8s.io") {
    rename(obj, "regarding", "involvedObject");
    rename(obj, "note", "message");
    rename(obj, "deprecatedSource", "source");
    rename(obj, "deprecatedFirstTimestamp", "firstTimestamp");
    rename(obj, "deprecatedLastTimestamp", "lastTimestamp");
    rename(obj, "deprecatedCount", "count");
    rename(obj, "reportingController", "reportingComponent");
    obj["apiVersion"] = "v1";
  }
  return obj;
}

json present(const ResourceType& type, json obj) {
  if (type.kind == "Event" && type.group == "events.k8s.io") {
    rename(obj, "involvedObject", "regarding");
    rename(obj, "message", "note");
    rename(obj, "source", "deprecatedSource");
    rename(obj, "firstTimestamp", "deprecatedFirstTimestamp");
    rename(obj, "lastTimestamp", "deprecatedLastTimestamp");
    rename(obj, "count", "deprecatedCount");
    rename(obj, "reportingComponent", "reportingController");
  }
  json out = {{"apiVersion", type.api_version()}, {"kind", type.kind}};
  for (auto& [k, v] : obj.items()) {
    if (k != "apiVersion" && k != "kind") out[k] = std::move(v);
  }
  return out;
}

}  // namespace orderops::apiserver
