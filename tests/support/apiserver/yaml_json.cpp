#include "apiserver/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace orderops::apiserver {

using nlohmann::json;

namespace {

json scalar(const YAML::Node& node) {
  const std::string& v = node.Scalar();
  if (node.Tag() != "?") return v;  // quoted or explicitly tagged
  if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return nullptr;
  if (v == "true" || v == "True" || v == "TRUE") return true;
  if (v == "false" || v == "False" || v == "FALSE") return false;
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat("^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(v, kInt)) {
    try {
      return std::stoll(v);
    } catch (const std::exception&) {
      return v;
    }
  }
  if (std::regex_match(v, kFloat)) return std::stod(v);
  return v;
}

json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = convert(kv.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

ApiResult<json> yaml_to_json(const std::string& text) {
  try {
    return convert(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return fail(bad_request(std::string("error converting YAML to JSON: ") + e.what()));
  }
}

}  // namespace orderops::apiserver
