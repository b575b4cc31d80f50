#include "apiserver/table.h"

#include "apiserver/jsonpath.h"
#include "common/time_format.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

constexpr const char* kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
constexpr const char* kCreationDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.";

// Marks a built-in column whose cell is computed in builtin_cell().
constexpr const char* kComputed = "<computed>";

PrinterColumn computed(std::string name, std::string type, int priority = 0) {
  return PrinterColumn{std::move(name), std::move(type), "", "", kComputed, priority};
}

PrinterColumn age() {
  return PrinterColumn{"Age", "date", "", kCreationDescription, ".metadata.creationTimestamp", 0};
}

std::vector<PrinterColumn> builtin_columns(const ResourceType& t) {
  if (t.kind == "Namespace") return {computed("Status", "string"), age()};
  if (t.kind == "ConfigMap") return {computed("Data", "integer"), age()};
  if (t.kind == "Secret") return {computed("Type", "string"), computed("Data", "integer"), age()};
  if (t.kind == "Lease") return {computed("Holder", "string"), age()};
  if (t.kind == "Event") {
    return {computed("Last Seen", "string"), computed("Type", "string"),
            computed("Reason", "string"),    computed("Object", "string"),
            computed("Message", "string"),   computed("Count", "integer", 1)};
  }
  return {PrinterColumn{"Created At", "date", "", kCreationDescription, kComputed, 0}};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return go_float(v.get<double>());
  return v.dump();
}

}  // namespace

std::string human_duration(std::chrono::seconds d) {
  const long long seconds = d.count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  const long long minutes = seconds / 60;
  if (minutes < 10) {
    const long long s = seconds % 60;
    return std::to_string(minutes) + "m" + (s == 0 ? "" : std::to_string(s) + "s");
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  const long long hours = seconds / 3600;
  if (hours < 8) {
    const long long m = minutes % 60;
    return std::to_string(hours) + "h" + (m == 0 ? "" : std::to_string(m) + "m");
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const long long h = hours % 24;
    return std::to_string(hours / 24) + "d" + (h == 0 ? "" : std::to_string(h) + "h");
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const long long dy = (hours / 24) % 365;
    return std::to_string(hours / 24 / 365) + "y" + (dy == 0 ? "" : std::to_string(dy) + "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

ApiResult<OutputFormat> negotiate_output(const std::string& accept) {
  if (accept.empty()) return OutputFormat::kJson;
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string item = accept.substr(start, end - start);
    start = end + 1;
    std::string type = item.substr(0, item.find(';'));
    type.erase(0, type.find_first_not_of(' '));
    type.erase(type.find_last_not_of(' ') + 1);
    if (type != "application/json" && type != "*/*" && type != "application/*") continue;
    const std::string params =
        item.find(';') == std::string::npos ? "" : item.substr(item.find(';'));
    if (params.find("as=Table") != std::string::npos) {
      if (params.find("g=meta.k8s.io") != std::string::npos) return OutputFormat::kTable;
      continue;
    }
    if (params.find("as=") != std::string::npos) continue;
    return OutputFormat::kJson;
  }
  return fail(not_acceptable(
      "only the following media types are accepted: application/json, application/yaml, "
      "application/vnd.kubernetes.protobuf"));
}

ApiResult<IncludeObject> parse_include_object(const std::string& value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  return fail(bad_request("includeObject: unsupported value " + go_quote(value)));
}

TableWriter::TableWriter(const ResourceType& type, SystemTime now, IncludeObject include)
    : type_(type), now_(now), include_(include) {
  if (!type.crd_name.empty()) {
    columns_ =
        type.printer_columns.empty() ? std::vector<PrinterColumn>{age()} : type.printer_columns;
  } else {
    columns_ = builtin_columns(type);
  }
}

json TableWriter::columns() const {
  json out = json::array({{{"name", "Name"},
                           {"type", "string"},
                           {"format", "name"},
                           {"description", kNameDescription},
                           {"priority", 0}}});
  for (const auto& c : columns_) {
    out.push_back({{"name", c.name},
                   {"type", c.type},
                   {"format", c.format},
                   {"description", c.description},
                   {"priority", c.priority}});
  }
  return out;
}

json TableWriter::builtin_cell(const std::string& name, const json& o) const {
  const json empty = json::object();
  if (name == "Status") return o.value("status", empty).value("phase", "");
  if (name == "Data") {
    return o.value("data", empty).size() + o.value("binaryData", empty).size();
  }
  if (name == "Type") return o.value("type", "");
  if (name == "Holder") return o.value("spec", empty).value("holderIdentity", "");
  if (name == "Created At") return o["metadata"].value("creationTimestamp", "");
  if (name == "Reason") return o.value("reason", "");
  if (name == "Message") return o.value("message", "");
  if (name == "Count") return o.value("count", 0);
  if (name == "Object") {
    const json io = o.value("involvedObject", empty);
    return lower(io.value("kind", "")) + "/" + io.value("name", "");
  }
  if (name == "Last Seen") {
    std::string ts = o.value("lastTimestamp", "");
    if (ts.empty()) ts = o.value("eventTime", "");
    const auto t = parse_rfc3339(ts);
    if (!t) return "<unknown>";
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now_ - *t));
  }
  return nullptr;
}

json TableWriter::cell(const PrinterColumn& c, const json& object) const {
  if (c.json_path == kComputed) return builtin_cell(c.name, object);
  const auto results = evaluate_jsonpath(c.json_path, object);
  if (!results || results->empty() || results->front().is_null()) return nullptr;
  const json& v = results->front();
  if (c.type == "string") return scalar_text(v);
  if (c.type == "integer") return v.is_number() ? json(v.get<long long>()) : json(nullptr);
  if (c.type == "number") return v.is_number() ? json(v.get<double>()) : json(nullptr);
  if (c.type == "boolean") return v.is_boolean() ? v : json(nullptr);
  if (c.type == "date") {
    if (!v.is_string()) return nullptr;
    const auto t = parse_rfc3339(v.get<std::string>());
    if (!t) return "<invalid>";
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now_ - *t));
  }
  return nullptr;
}

json TableWriter::row(const json& object) const {
  json cells = json::array({object["metadata"].value("name", "")});
  for (const auto& c : columns_) cells.push_back(cell(c, object));
  json r = {{"cells", cells}};
  if (include_ == IncludeObject::kObject) {
    r["object"] = object;
  } else if (include_ == IncludeObject::kMetadata) {
    r["object"] = {{"kind", "PartialObjectMetadata"},
                   {"apiVersion", "meta.k8s.io/v1"},
                   {"metadata", object["metadata"]}};
  }
  return r;
}

json TableWriter::table(const std::vector<json>& objects, const json& metadata,
                        bool with_columns) const {
  json t = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata}};
  t["columnDefinitions"] = with_columns ? columns() : json(nullptr);
  json rows = json::array();
  for (const auto& o : objects) rows.push_back(row(o));
  t["rows"] = rows;
  return t;
}

}  // namespace orderops::apiserver
