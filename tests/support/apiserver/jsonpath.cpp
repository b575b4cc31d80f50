#include "apiserver/jsonpath.h"

#include <string>

namespace orderops::apiserver {

using nlohmann::json;

namespace {

ApiError path_error(std::string_view path, const std::string& why) {
  return bad_request("invalid JSONPath " + go_quote(std::string(path)) + ": " + why);
}

std::vector<json> child(const std::vector<json>& nodes, const std::string& name) {
  std::vector<json> out;
  for (const auto& n : nodes) {
    if (n.is_object() && n.contains(name)) out.push_back(n[name]);
  }
  return out;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// "@.a.b" relative to one element.
std::optional<json> relative(const json& node, const std::string& expr) {
  if (expr.rfind("@", 0) != 0) return std::nullopt;
  std::vector<json> cur = {node};
  size_t i = 1;
  while (i < expr.size()) {
    if (expr[i] != '.') return std::nullopt;
    size_t end = expr.find('.', i + 1);
    if (end == std::string::npos) end = expr.size();
    cur = child(cur, expr.substr(i + 1, end - i - 1));
    i = end;
  }
  if (cur.empty()) return std::nullopt;
  return cur.front();
}

bool literal_equals(const json& value, const std::string& literal) {
  if (!literal.empty() && (literal.front() == '"' || literal.front() == '\'')) {
    return value.is_string() && value.get<std::string>() == unquote(literal);
  }
  if (value.is_number()) {
    try {
      return value.get<double>() == std::stod(literal);
    } catch (const std::exception&) {
      return false;
    }
  }
  if (value.is_boolean()) return (value.get<bool>() ? "true" : "false") == literal;
  return false;
}

std::vector<json> filter(const std::vector<json>& nodes, const std::string& expr) {
  std::string op;
  size_t pos = expr.find("==");
  if (pos != std::string::npos) {
    op = "==";
  } else if ((pos = expr.find("!=")) != std::string::npos) {
    op = "!=";
  }
  std::vector<json> out;
  for (const auto& n : nodes) {
    if (!n.is_array()) continue;
    for (const auto& el : n) {
      if (op.empty()) {
        if (relative(el, trim(expr))) out.push_back(el);
        continue;
      }
      const auto lhs = relative(el, trim(expr.substr(0, pos)));
      const bool eq = lhs && literal_equals(*lhs, trim(expr.substr(pos + 2)));
      if ((op == "==") == eq && (lhs || op == "!=")) out.push_back(el);
    }
  }
  return out;
}

}  // namespace

ApiResult<std::vector<json>> evaluate_jsonpath(std::string_view path_in, const json& root) {
  std::string path(path_in);
  if (path.size() >= 2 && path.front() == '{' && path.back() == '}') {
    path = path.substr(1, path.size() - 2);
  }
  std::vector<json> nodes = {root};
  size_t i = 0;
  if (!path.empty() && path[0] == '$') i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = i + 1;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      const std::string name = path.substr(i + 1, end - i - 1);
      if (!name.empty()) nodes = child(nodes, name);
      i = end;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) return fail(path_error(path_in, "unclosed ["));
      std::string inner = path.substr(i + 1, close - i - 1);
      if (inner.rfind("?(", 0) == 0 && inner.back() == ')') {
        nodes = filter(nodes, inner.substr(2, inner.size() - 3));
      } else if (inner == "*") {
        std::vector<json> out;
        for (const auto& n : nodes) {
          if (n.is_array() || n.is_object()) {
            for (const auto& el : n) out.push_back(el);
          }
        }
        nodes = std::move(out);
      } else if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
        nodes = child(nodes, unquote(inner));
      } else {
        long index = 0;
        try {
          index = std::stol(inner);
        } catch (const std::exception&) {
          return fail(path_error(path_in, "unsupported subscript [" + inner + "]"));
        }
        std::vector<json> out;
        for (const auto& n : nodes) {
          if (!n.is_array()) continue;
          const long size = static_cast<long>(n.size());
          const long at = index < 0 ? size + index : index;
          if (at >= 0 && at < size) out.push_back(n[static_cast<size_t>(at)]);
        }
        nodes = std::move(out);
      }
      i = close + 1;
    } else {
      return fail(path_error(path_in, "unexpected character"));
    }
  }
  return nodes;
}

}  // namespace orderops::apiserver
