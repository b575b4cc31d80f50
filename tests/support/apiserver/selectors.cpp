#include "apiserver/selectors.h"

#include <algorithm>

namespace orderops::apiserver {

using nlohmann::json;

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(trim(cur));
  return out;
}

ApiError parse_error(const std::string& detail) {
  return bad_request("unable to parse requirement: " + detail);
}

bool valid_label_key(const std::string& key) {
  if (key.empty() || key.size() > 317) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

std::vector<std::string> field_names(const ResourceType& type) {
  std::vector<std::string> names = {"metadata.name", "metadata.namespace"};
  if (type.kind == "Event") {
    for (const char* f :
         {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}) {
      names.emplace_back(f);
    }
  } else if (type.kind == "Secret") {
    names.emplace_back("type");
  } else if (type.kind == "Namespace") {
    names.emplace_back("status.phase");
  }
  return names;
}

}  // namespace

ApiResult<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector sel;
  if (trim(text).empty()) return sel;
  for (const std::string& term : split_terms(text)) {
    if (term.empty()) return fail(parse_error("found '', expected: identifier"));
    Requirement r;
    const size_t in_pos = term.find(" in ");
    const size_t notin_pos = term.find(" notin ");
    if (notin_pos != std::string::npos || in_pos != std::string::npos) {
      const bool notin = notin_pos != std::string::npos;
      r.key = trim(term.substr(0, notin ? notin_pos : in_pos));
      r.op = notin ? Requirement::Op::kNotIn : Requirement::Op::kIn;
      const size_t open = term.find('('), close = term.rfind(')');
      if (open == std::string::npos || close == std::string::npos || close < open) {
        return fail(parse_error("found '" + term + "', expected: '('"));
      }
      for (const auto& v : split_terms(term.substr(open + 1, close - open - 1))) {
        r.values.push_back(v);
      }
    } else if (term[0] == '!') {
      r.key = trim(term.substr(1));
      r.op = Requirement::Op::kNotExists;
    } else if (const size_t ne = term.find("!="); ne != std::string::npos) {
      r.key = trim(term.substr(0, ne));
      r.op = Requirement::Op::kNotEquals;
      r.values = {trim(term.substr(ne + 2))};
    } else if (const size_t eq = term.find('='); eq != std::string::npos) {
      r.key = trim(term.substr(0, eq));
      const size_t skip = term.compare(eq, 2, "==") == 0 ? 2 : 1;
      r.values = {trim(term.substr(eq + skip))};
    } else {
      r.key = term;
      r.op = Requirement::Op::kExists;
    }
    if (!valid_label_key(r.key)) {
      return fail(parse_error("invalid label key " + go_quote(r.key)));
    }
    sel.requirements_.push_back(std::move(r));
  }
  return sel;
}

bool LabelSelector::matches(const json& object) const {
  const json* labels = nullptr;
  if (object.contains("metadata") && object["metadata"].contains("labels") &&
      object["metadata"]["labels"].is_object()) {
    labels = &object["metadata"]["labels"];
  }
  for (const auto& r : requirements_) {
    const bool has = labels && labels->contains(r.key) && (*labels)[r.key].is_string();
    const std::string value = has ? (*labels)[r.key].get<std::string>() : "";
    const bool in = std::find(r.values.begin(), r.values.end(), value) != r.values.end();
    switch (r.op) {
      case Requirement::Op::kEquals:
      case Requirement::Op::kIn:
        if (!has || !in) return false;
        break;
      case Requirement::Op::kNotEquals:
      case Requirement::Op::kNotIn:
        if (has && in) return false;
        break;
      case Requirement::Op::kExists:
        if (!has) return false;
        break;
      case Requirement::Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

ApiResult<FieldSelector> FieldSelector::parse(std::string_view text, const ResourceType& type) {
  FieldSelector sel;
  sel.type_ = type;
  if (trim(text).empty()) return sel;
  const auto supported = field_names(type);
  for (const std::string& term : split_terms(text)) {
    Requirement r;
    size_t op = term.find("!=");
    size_t skip = 2;
    if (op != std::string::npos) {
      r.negate = true;
    } else if ((op = term.find("==")) == std::string::npos) {
      op = term.find('=');
      skip = 1;
    }
    if (op == std::string::npos) {
      return fail(bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" +
                              term + "'"));
    }
    r.field = trim(term.substr(0, op));
    r.value = trim(term.substr(op + skip));
    if (std::find(supported.begin(), supported.end(), r.field) == supported.end()) {
      return fail(bad_request("field label not supported: " + r.field));
    }
    sel.requirements_.push_back(std::move(r));
  }
  return sel;
}

bool FieldSelector::matches(const json& object) const {
  for (const auto& r : requirements_) {
    const bool equal = field_value(type_, object, r.field) == r.value;
    if (equal == r.negate) return false;
  }
  return true;
}

std::string field_value(const ResourceType& type, const json& object, const std::string& field) {
  (void)type;
  const json* cur = &object;
  size_t start = 0;
  while (start <= field.size()) {
    size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    const std::string part = field.substr(start, dot - start);
    if (!cur->is_object() || !cur->contains(part)) return "";
    cur = &(*cur)[part];
    start = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_object() && field == "source") return cur->value("component", "");
  if (cur->is_null()) return "";
  return cur->dump();
}

}  // namespace orderops::apiserver
