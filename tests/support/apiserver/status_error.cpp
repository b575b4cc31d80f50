#include "apiserver/status_error.h"

#include <charconv>
#include <cmath>

namespace orderops::apiserver {

using nlohmann::json;

std::string go_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string sci(buf, r.ptr);
  const size_t e = sci.find('e');
  const int exp = std::stoi(sci.substr(e + 1));
  // strconv 'g' with the shortest precision switches to exponent form below 1e-4 and from 1e+06.
  if (exp < -4 || exp >= 6) {
    std::string out = sci.substr(0, e) + "e" + (exp < 0 ? "-" : "+");
    const int a = std::abs(exp);
    if (a < 10) out += "0";
    return out + std::to_string(a);
  }
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

namespace {

std::string type_string(FieldError::Type t) {
  switch (t) {
    case FieldError::Type::kRequired:
      return "Required value";
    case FieldError::Type::kInvalid:
      return "Invalid value";
    case FieldError::Type::kNotSupported:
      return "Unsupported value";
    case FieldError::Type::kDuplicate:
      return "Duplicate value";
    case FieldError::Type::kTooLong:
      return "Too long";
    case FieldError::Type::kTooMany:
      return "Too many";
    case FieldError::Type::kForbidden:
      return "Forbidden";
    case FieldError::Type::kTypeInvalid:
      return "Invalid value";
    case FieldError::Type::kNotFound:
      return "Not found";
  }
  return "Invalid value";
}

// Go's %v / %q / %#v choice in field.Error.ErrorBody.
std::string go_value(const json& v) {
  if (v.is_null()) return "\"null\"";
  if (v.is_string()) return go_quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return go_float(v.get<double>());
  if (v.is_object()) {
    // Go's %#v of a map[string]interface{}.
    std::string out = "map[string]interface {}{";
    bool first = true;
    for (const auto& [k, item] : v.items()) {
      out += (first ? "" : ", ") + go_quote(k) + ":" +
             (item.is_string() ? go_quote(item.get<std::string>()) : item.dump());
      first = false;
    }
    return out + "}";
  }
  return v.dump();
}

}  // namespace

std::string FieldError::body() const {
  std::string s = type_string(type);
  const bool omit = type == Type::kRequired || type == Type::kForbidden || type == Type::kTooLong ||
                    !value.has_value();
  if (!omit) s += ": " + go_value(*value);
  if (!detail.empty()) s += ": " + detail;
  return s;
}

std::string FieldError::error() const { return field + ": " + body(); }

std::string FieldError::reason() const {
  switch (type) {
    case Type::kRequired:
      return "FieldValueRequired";
    case Type::kInvalid:
      return "FieldValueInvalid";
    case Type::kNotSupported:
      return "FieldValueNotSupported";
    case Type::kDuplicate:
      return "FieldValueDuplicate";
    case Type::kTooLong:
      return "FieldValueTooLong";
    case Type::kTooMany:
      return "FieldValueTooMany";
    case Type::kForbidden:
      return "FieldValueForbidden";
    case Type::kTypeInvalid:
      return "FieldValueTypeInvalid";
    case Type::kNotFound:
      return "FieldValueNotFound";
  }
  return "FieldValueInvalid";
}

json status_json(const ApiError& e) {
  json s = {{"kind", "Status"},    {"apiVersion", "v1"},   {"metadata", json::object()},
            {"status", "Failure"}, {"message", e.message}, {"reason", e.reason}};
  if (!e.details.is_null()) s["details"] = e.details;
  s["code"] = e.code;
  if (e.reason.empty()) s.erase("reason");
  return s;
}

HttpResponse json_response(int code, const json& body) {
  HttpResponse r;
  r.status = code;
  r.set_header("Content-Type", "application/json");
  r.set_header("Cache-Control", "no-cache, private");
  r.body = body.dump();
  return r;
}

HttpResponse error_response(const ApiError& e) {
  HttpResponse r = json_response(e.code, status_json(e));
  if (e.retry_after_seconds) r.set_header("Retry-After", std::to_string(*e.retry_after_seconds));
  return r;
}

json success_status(const json& details) {
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details", details}};
}

std::string qualified_resource(const std::string& group, const std::string& resource) {
  return group.empty() ? resource : resource + "." + group;
}

namespace {
json name_details(const std::string& group, const std::string& resource, const std::string& name) {
  json d = {{"name", name}, {"kind", resource}};
  if (!group.empty()) d["group"] = group;
  return d;
}
}  // namespace

ApiError not_found(const std::string& group, const std::string& resource, const std::string& name) {
  return {404,
          "NotFound",
          qualified_resource(group, resource) + " " + go_quote(name) + " not found",
          name_details(group, resource, name),
          {}};
}

ApiError already_exists(const std::string& group, const std::string& resource,
                        const std::string& name) {
  return {409,
          "AlreadyExists",
          qualified_resource(group, resource) + " " + go_quote(name) + " already exists",
          name_details(group, resource, name),
          {}};
}

ApiError conflict(const std::string& group, const std::string& resource, const std::string& name,
                  const std::string& detail) {
  return {409,
          "Conflict",
          "Operation cannot be fulfilled on " + qualified_resource(group, resource) + " " +
              go_quote(name) + ": " + detail,
          name_details(group, resource, name),
          {}};
}

ApiError modified_conflict(const std::string& group, const std::string& resource,
                           const std::string& name) {
  return conflict(group, resource, name,
                  "the object has been modified; please apply your changes to the latest version "
                  "and try again");
}

ApiError invalid(const std::string& group, const std::string& kind, const std::string& name,
                 const std::vector<FieldError>& errors) {
  json causes = json::array();
  std::vector<std::string> messages;
  for (const auto& e : errors) {
    causes.push_back({{"reason", e.reason()}, {"message", e.body()}, {"field", e.field}});
    const std::string m = e.error();
    if (std::find(messages.begin(), messages.end(), m) == messages.end()) messages.push_back(m);
  }
  const std::string qualified_kind = group.empty() ? kind : kind + "." + group;
  std::string message = qualified_kind + " " + go_quote(name) + " is invalid";
  if (messages.size() == 1) {
    message += ": " + messages[0];
  } else if (!messages.empty()) {
    message += ": [";
    for (size_t i = 0; i < messages.size(); ++i) message += (i ? ", " : "") + messages[i];
    message += "]";
  }
  json details = {{"name", name}, {"kind", kind}, {"causes", causes}};
  if (!group.empty()) details["group"] = group;
  return {422, "Invalid", message, details, {}};
}

ApiError bad_request(std::string message) {
  return {400, "BadRequest", std::move(message), {}, {}};
}

ApiError unsupported_media_type(const std::vector<std::string>& accepted) {
  std::string list;
  for (size_t i = 0; i < accepted.size(); ++i) list += (i ? ", " : "") + accepted[i];
  return {
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: " + list,
      {},
      {}};
}

ApiError not_acceptable(std::string message) {
  return {406, "NotAcceptable", std::move(message), {}, {}};
}

ApiError method_not_supported(const std::string& group, const std::string& resource,
                              const std::string& verb) {
  return {405,
          "MethodNotAllowed",
          verb + " is not supported on resources of kind " +
              go_quote(qualified_resource(group, resource)),
          name_details(group, resource, ""),
          {}};
}

ApiError unauthorized() { return {401, "Unauthorized", "Unauthorized", {}, {}}; }

ApiError expired(std::string message) { return {410, "Expired", std::move(message), {}, {}}; }

ApiError too_many_requests(int retry_after_seconds) {
  return {429,
          "TooManyRequests",
          "Too many requests, please try again later.",
          {{"retryAfterSeconds", retry_after_seconds}},
          retry_after_seconds};
}

ApiError internal_error(std::string message) {
  return {500,
          "InternalError",
          "Internal error occurred: " + message,
          {{"causes", json::array({{{"message", message}}})}},
          {}};
}

ApiError timeout_error(std::string message, const std::string& cause_type) {
  json details = {{"retryAfterSeconds", 1}};
  if (!cause_type.empty()) {
    details["causes"] = json::array({{{"reason", cause_type}, {"message", message}}});
  }
  return {504, "Timeout", std::move(message), details, {}};
}

ApiError path_not_found() {
  return {404, "NotFound", "the server could not find the requested resource", {}, {}};
}

}  // namespace orderops::apiserver
