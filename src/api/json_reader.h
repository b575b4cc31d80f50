// Reads typed fields out of a Kubernetes JSON object, tracking the JSON path and collecting a
// FieldError ("spec.batchSize: expected integer, got string") per mismatch instead of stopping.
// Internal to the api codec. Thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "common/clock.h"
#include "common/error.h"

namespace orderops::api {

// "string", "integer", "number", "boolean", "array", "object", "null".
std::string_view json_type_name(const nlohmann::json& value);

// Unknown fields are ignored; absent and null fields leave the target untouched, so targets keep
// their defaults.
class JsonReader {
 public:
  // `value` must outlive the reader; a non-object value reads as empty (the caller reports it).
  JsonReader(const nlohmann::json& value, std::string path, FieldErrors& errors);

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const;
  bool has(std::string_view key) const { return member(key) != nullptr; }
  void error(std::string_view key, std::string detail) const;

  // The member object `key`; absent or null reads as empty, another type is an error.
  JsonReader object(std::string_view key) const;

  void read(std::string_view key, std::string& out) const;
  void read(std::string_view key, bool& out) const;
  void read(std::string_view key, int& out) const;
  void read(std::string_view key, std::int64_t& out) const;
  void read(std::string_view key, std::optional<std::int64_t>& out) const;
  void read(std::string_view key, SystemTime& out) const;
  void read(std::string_view key, std::optional<SystemTime>& out) const;
  void read(std::string_view key, std::vector<std::string>& out) const;
  void read(std::string_view key, std::map<std::string, std::string, std::less<>>& out) const;
  void read(std::string_view key, std::map<std::string, std::int64_t, std::less<>>& out) const;

  template <class E>
  void read_enum(std::string_view key, E& out, Result<E> (*parse)(std::string_view)) const {
    std::string text;
    if (!read_string(key, text)) return;
    auto parsed = parse(text);
    if (parsed) {
      out = *parsed;
    } else {
      error(key, parsed.error().message);
    }
  }

  // Calls fn(JsonReader) for each object element of the array `key` (paths "key[i]").
  template <class F>
  void each_object(std::string_view key, F&& fn) const {
    const nlohmann::json* array = typed_member(key, nlohmann::json::value_t::array, "array");
    if (array == nullptr) return;
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string item = path_of(key) + "[" + std::to_string(i) + "]";
      const nlohmann::json& element = (*array)[i];
      if (!element.is_object()) {
        errors_->push_back({item, "expected object, got " + std::string(json_type_name(element))});
        continue;
      }
      fn(JsonReader(element, item, *errors_));
    }
  }

 private:
  const nlohmann::json* member(std::string_view key) const;
  // The member if it has the JSON type, else nullptr (and an error when present but mistyped).
  const nlohmann::json* typed_member(std::string_view key, nlohmann::json::value_t type,
                                     std::string_view expected) const;
  bool read_string(std::string_view key, std::string& out) const;
  std::optional<std::int64_t> read_integer(std::string_view key) const;

  const nlohmann::json* value_;  // an object, or nullptr
  std::string path_;
  FieldErrors* errors_;
};

}  // namespace orderops::api
