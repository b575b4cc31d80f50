// get and list: JSON or Table output, selectors, resourceVersion/resourceVersionMatch semantics
// and consistent paging with limit/continue (pages are served from the list's snapshot, rebuilt
// from the event history; an expired token is 410 Expired).
#include "apiserver/encoding.h"
#include "apiserver/handlers.h"
#include "apiserver/object_meta.h"
#include "apiserver/selectors.h"
#include "apiserver/table.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

constexpr const char* kContinueExpired =
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this response "
    "to retrieve the remainder of the results. Continuing with the provided token results in an "
    "inconsistent list - objects that were created, modified, or deleted between the time the "
    "first chunk was returned and now may show up in the list.";

struct ContinueToken {
  std::uint64_t rv = 0;
  std::string start;  // last key returned
};

std::string encode_continue(const ContinueToken& c) {
  return base64_encode(json{{"v", "meta.k8s.io/v1"}, {"rv", c.rv}, {"start", c.start}}.dump());
}

std::optional<ContinueToken> decode_continue(const std::string& text) {
  const auto raw = base64_decode(text);
  if (!raw) return std::nullopt;
  try {
    const json j = json::parse(*raw);
    return ContinueToken{j.at("rv").get<std::uint64_t>(), j.at("start").get<std::string>()};
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

ApiError list_options_invalid(const std::string& field, const json& value,
                              const std::string& detail, FieldError::Type type) {
  return invalid("meta.k8s.io", "ListOptions", "", {{type, field, value, detail}});
}

std::optional<std::uint64_t> parse_rv(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoull(text);
}

json list_item(const ResourceType& t, const json& stored) {
  json item = present(t, stored);
  // Typed built-in lists carry no TypeMeta on their items.
  if (t.builtin) {
    item.erase("apiVersion");
    item.erase("kind");
  }
  return item;
}

}  // namespace

HttpResponse ResourceHandlers::get(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  auto format = negotiate_output(r.http.header("accept"));
  if (!format) return error_response(format.error());
  json obj;
  {
    auto txn = store_.begin();
    const json* found = txn.get(t.storage_key(), r.ns, r.name);
    if (!found) return error_response(not_found(t.group, t.plural, r.name));
    obj = present(t, *found);
  }
  if (*format == OutputFormat::kTable && r.subresource.empty()) {
    auto include = parse_include_object(r.http.param("includeObject").value_or(""));
    if (!include) return error_response(include.error());
    TableWriter writer(t, clock_.now(), *include);
    return json_response(
        200, writer.table({obj}, {{"resourceVersion", obj["metadata"]["resourceVersion"]}}));
  }
  return json_response(200, obj);
}

HttpResponse ResourceHandlers::list(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  const HttpRequest& h = r.http;
  auto format = negotiate_output(h.header("accept"));
  if (!format) return error_response(format.error());
  auto labels = LabelSelector::parse(h.param("labelSelector").value_or(""));
  if (!labels) return error_response(labels.error());
  auto fields = FieldSelector::parse(h.param("fieldSelector").value_or(""), t);
  if (!fields) return error_response(fields.error());
  const std::string rv_text = h.param("resourceVersion").value_or("");
  const std::string match = h.param("resourceVersionMatch").value_or("");
  const std::string cont = h.param("continue").value_or("");
  if (h.param("sendInitialEvents")) {
    return error_response(list_options_invalid(
        "sendInitialEvents", h.param("sendInitialEvents").value(),
        "sendInitialEvents is forbidden for list", FieldError::Type::kForbidden));
  }
  if (!match.empty() && rv_text.empty()) {
    return error_response(
        list_options_invalid("resourceVersionMatch", match,
                             "resourceVersionMatch is forbidden unless resourceVersion is provided",
                             FieldError::Type::kForbidden));
  }
  if (!match.empty() && !cont.empty()) {
    return error_response(
        list_options_invalid("resourceVersionMatch", match,
                             "resourceVersionMatch is forbidden when continue is provided",
                             FieldError::Type::kForbidden));
  }
  if (match == "Exact" && rv_text == "0") {
    return error_response(list_options_invalid(
        "resourceVersionMatch", match,
        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
        FieldError::Type::kForbidden));
  }
  std::optional<std::uint64_t> rv;
  if (!rv_text.empty()) {
    rv = parse_rv(rv_text);
    if (!rv) return error_response(bad_request("invalid resource version: " + rv_text));
  }
  long long limit = 0;
  if (auto l = h.param("limit")) limit = std::atoll(l->c_str());

  std::vector<json> objects;
  std::uint64_t list_rv = 0;
  std::string start;
  {
    auto txn = store_.begin();
    const std::uint64_t current = txn.current_rv();
    std::optional<std::uint64_t> at;
    if (!cont.empty()) {
      const auto token = decode_continue(cont);
      if (!token)
        return error_response(
            bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                        "(version meta.k8s.io/v1)"));
      at = token->rv;
      start = token->start;
    } else if (match == "Exact") {
      at = *rv;
    } else if (rv && *rv > current) {
      return error_response(timeout_error(
          "Too large resource version: " + rv_text + ", current: " + std::to_string(current),
          "ResourceVersionTooLarge"));
    }
    if (at) {
      auto snapshot = txn.objects_at(t.storage_key(), r.ns, *at);
      if (!snapshot) {
        return error_response(expired(cont.empty() ? "too old resource version: " + rv_text + " (" +
                                                         std::to_string(txn.history_floor()) + ")"
                                                   : kContinueExpired));
      }
      objects = std::move(*snapshot);
      list_rv = *at;
    } else {
      for (const json* o : txn.list(t.storage_key(), r.ns)) objects.push_back(*o);
      list_rv = current;
    }
  }
  std::vector<json> page;
  size_t remaining = 0;
  std::string next;
  for (auto& o : objects) {
    const std::string key =
        Store::object_key(o["metadata"].value("namespace", ""), o["metadata"].value("name", ""));
    if (!start.empty() && key <= start) continue;
    if (!labels->matches(o) || !fields->matches(o)) continue;
    if (limit > 0 && static_cast<long long>(page.size()) >= limit) {
      ++remaining;
      continue;
    }
    if (limit > 0 && static_cast<long long>(page.size()) == limit - 1) next = key;
    page.push_back(present(t, o));
  }
  json metadata = {{"resourceVersion", std::to_string(list_rv)}};
  if (remaining > 0) {
    metadata["continue"] = encode_continue({list_rv, next});
    if (labels->empty() && fields->empty()) metadata["remainingItemCount"] = remaining;
  }
  if (*format == OutputFormat::kTable) {
    auto include = parse_include_object(h.param("includeObject").value_or(""));
    if (!include) return error_response(include.error());
    return json_response(200, TableWriter(t, clock_.now(), *include).table(page, metadata));
  }
  json items = json::array();
  for (auto& o : page) items.push_back(list_item(t, o));
  return json_response(200, {{"kind", t.list_kind},
                             {"apiVersion", t.api_version()},
                             {"metadata", metadata},
                             {"items", items}});
}

}  // namespace orderops::apiserver
