#include "api/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

namespace orderops::api {
namespace {

using nlohmann::json;

// go-yaml v2's resolve table (YAML 1.1), which kubectl applies to plain scalars.
constexpr std::array<std::string_view, 11> kTrue = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                                    "True", "TRUE", "on",  "On",  "ON"};
constexpr std::array<std::string_view, 11> kFalse = {"n",     "N",     "no",  "No",  "NO", "false",
                                                     "False", "FALSE", "off", "Off", "OFF"};
constexpr std::array<std::string_view, 5> kNull = {"", "~", "null", "Null", "NULL"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view s) {
  for (const auto v : set) {
    if (v == s) return true;
  }
  return false;
}

std::optional<json> as_integer(std::string text) {
  std::erase(text, '_');
  if (text.empty()) return std::nullopt;
  const bool negative = text.front() == '-';
  std::string_view digits = text;
  if (text.front() == '-' || text.front() == '+') digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.starts_with("0o")) {
    base = 8;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits.front() == '0') {
    base = 8;  // YAML 1.1: 0755
  }
  if (digits.empty()) return std::nullopt;
  const std::string body(digits);
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(body.c_str(), &end, base);
  if (*end != '\0' || errno == ERANGE || body.front() == '-' || body.front() == '+') {
    return std::nullopt;
  }
  if (!negative) return json(static_cast<std::uint64_t>(value));
  if (value > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()) + 1) {
    return std::nullopt;
  }
  return json(static_cast<std::int64_t>(0 - value));
}

std::optional<json> as_float(const std::string& text) {
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf") {
    return json(std::numeric_limits<double>::infinity());
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
    return json(-std::numeric_limits<double>::infinity());
  }
  // Digits are required: strtod alone would accept "nan", "infinity" and hex floats.
  if (text.find_first_of("0123456789") == std::string::npos ||
      text.find_first_not_of("0123456789+-.eE") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return json(value);
}

json plain_scalar(const std::string& text) {
  if (one_of(kNull, text)) return nullptr;
  if (one_of(kTrue, text)) return true;
  if (one_of(kFalse, text)) return false;
  if (auto i = as_integer(text)) return *i;
  if (auto f = as_float(text)) return *f;
  return text;
}

json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return node.Scalar();  // quoted
      return plain_scalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = convert(kv.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Result<std::vector<json>> yaml_documents_to_json(std::string_view text, std::string_view source) {
  try {
    std::vector<json> out;
    for (const auto& doc : YAML::LoadAll(std::string(text))) {
      json value = convert(doc);
      if (!value.is_null()) out.push_back(std::move(value));
    }
    return out;
  } catch (const YAML::Exception& e) {
    std::string where = std::string(source);
    if (!e.mark.is_null()) {
      where += ": line " + std::to_string(e.mark.line + 1) + ", column " +
               std::to_string(e.mark.column + 1);
    }
    return invalid(where + ": invalid YAML: " + e.msg);
  }
}

}  // namespace orderops::api
