#include "api/json_reader.h"

#include <cmath>
#include <limits>

#include "common/time_format.h"

namespace orderops::api {

using nlohmann::json;

std::string_view json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "binary";
  }
}

JsonReader::JsonReader(const json& value, std::string path, FieldErrors& errors)
    : value_(value.is_object() ? &value : nullptr), path_(std::move(path)), errors_(&errors) {}

std::string JsonReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonReader::error(std::string_view key, std::string detail) const {
  errors_->push_back({path_of(key), std::move(detail)});
}

const json* JsonReader::member(std::string_view key) const {
  if (value_ == nullptr) return nullptr;
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return nullptr;
  return &*it;
}

const json* JsonReader::typed_member(std::string_view key, json::value_t type,
                                     std::string_view expected) const {
  const json* m = member(key);
  if (m == nullptr) return nullptr;
  if (m->type() != type) {
    error(key, "expected " + std::string(expected) + ", got " + std::string(json_type_name(*m)));
    return nullptr;
  }
  return m;
}

JsonReader JsonReader::object(std::string_view key) const {
  static const json kEmpty = json::object();  // immutable, shared by every empty reader
  const json* m = typed_member(key, json::value_t::object, "object");
  return JsonReader(m != nullptr ? *m : kEmpty, path_of(key), *errors_);
}

bool JsonReader::read_string(std::string_view key, std::string& out) const {
  const json* m = typed_member(key, json::value_t::string, "string");
  if (m == nullptr) return false;
  out = m->get_ref<const std::string&>();
  return true;
}

std::optional<std::int64_t> JsonReader::read_integer(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr) return std::nullopt;
  if (m->is_number_unsigned()) {
    const auto u = m->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      error(key, std::to_string(u) + ": out of range for a 64-bit integer");
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (m->is_number_integer()) return m->get<std::int64_t>();
  // 100.0 is an integer to the API server's schema validation; 1.5 is not.
  if (m->is_number_float()) {
    const double d = m->get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  error(key, "expected integer, got " + std::string(json_type_name(*m)));
  return std::nullopt;
}

void JsonReader::read(std::string_view key, std::string& out) const { read_string(key, out); }

void JsonReader::read(std::string_view key, bool& out) const {
  const json* m = typed_member(key, json::value_t::boolean, "boolean");
  if (m != nullptr) out = m->get<bool>();
}

void JsonReader::read(std::string_view key, int& out) const {
  const auto v = read_integer(key);
  if (!v) return;
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    error(key, std::to_string(*v) + ": out of range for a 32-bit integer");
    return;
  }
  out = static_cast<int>(*v);
}

void JsonReader::read(std::string_view key, std::int64_t& out) const {
  if (const auto v = read_integer(key)) out = *v;
}

void JsonReader::read(std::string_view key, std::optional<std::int64_t>& out) const {
  if (const auto v = read_integer(key)) out = *v;
}

void JsonReader::read(std::string_view key, SystemTime& out) const {
  std::optional<SystemTime> t;
  read(key, t);
  if (t) out = *t;
}

void JsonReader::read(std::string_view key, std::optional<SystemTime>& out) const {
  std::string text;
  if (!read_string(key, text)) return;
  auto t = parse_rfc3339(text);
  if (t) {
    out = *t;
  } else {
    error(key, t.error().message);
  }
}

void JsonReader::read(std::string_view key, std::vector<std::string>& out) const {
  const json* array = typed_member(key, json::value_t::array, "array");
  if (array == nullptr) return;
  std::vector<std::string> values;
  for (size_t i = 0; i < array->size(); ++i) {
    const json& element = (*array)[i];
    if (!element.is_string()) {
      errors_->push_back({path_of(key) + "[" + std::to_string(i) + "]",
                          "expected string, got " + std::string(json_type_name(element))});
      continue;
    }
    values.push_back(element.get<std::string>());
  }
  out = std::move(values);
}

void JsonReader::read(std::string_view key,
                      std::map<std::string, std::string, std::less<>>& out) const {
  const json* m = typed_member(key, json::value_t::object, "object");
  if (m == nullptr) return;
  out.clear();
  for (const auto& [k, v] : m->items()) {
    if (!v.is_string()) {
      errors_->push_back(
          {path_of(key) + "." + k, "expected string, got " + std::string(json_type_name(v))});
      continue;
    }
    out.emplace(k, v.get<std::string>());
  }
}

void JsonReader::read(std::string_view key,
                      std::map<std::string, std::int64_t, std::less<>>& out) const {
  const json* m = typed_member(key, json::value_t::object, "object");
  if (m == nullptr) return;
  const JsonReader counts(*m, path_of(key), *errors_);
  out.clear();
  for (const auto& [k, v] : m->items()) {
    if (const auto n = counts.read_integer(k)) out.emplace(k, *n);
  }
}

}  // namespace orderops::api
