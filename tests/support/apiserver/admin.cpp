#include "apiserver/admin.h"

#include "apiserver/status_error.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {
HttpResponse admin_error(int code, const std::string& message) {
  return json_response(code, {{"error", message}});
}
}  // namespace

HttpResponse AdminApi::handle(const HttpRequest& req) {
  json body = json::object();
  if (!req.body.empty()) {
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {
      return admin_error(400, std::string("invalid JSON: ") + e.what());
    }
  }
  try {
    const std::string& p = req.path;
    const std::string& m = req.method;
    if (p == "/faults" && m == "POST") return add_fault(body);
    if (p == "/faults" && m == "DELETE") {
      faults_.clear();
      return json_response(200, faults_.describe());
    }
    if ((p == "/faults" || p == "/state") && m == "GET") {
      json state = faults_.describe();
      auto txn = store_.begin();
      state["resourceVersion"] = std::to_string(txn.current_rv());
      state["historyFloor"] = std::to_string(txn.history_floor());
      state["watches"] = store_.hub().size();
      state["clockOffsetSeconds"] = clock_.offset().count();
      return json_response(200, state);
    }
    if (p == "/latency" && m == "POST") {
      faults_.set_latency({body.value("method", ""), body.value("pathPrefix", ""),
                           std::chrono::milliseconds(body.value("milliseconds", 0))});
      return json_response(200, faults_.describe());
    }
    if (p == "/watches/drop" && m == "POST") return drop_watches(body);
    if (p == "/compact" && m == "POST") return compact(body);
    if (p == "/clock" && m == "POST") {
      clock_.set_offset(std::chrono::seconds(body.value("offsetSeconds", 0LL)));
      return json_response(200, {{"clockOffsetSeconds", clock_.offset().count()}});
    }
  } catch (const json::exception& e) {
    return admin_error(400, std::string("invalid request: ") + e.what());
  }
  return admin_error(404, "unknown admin endpoint " + req.method + " " + req.path);
}

HttpResponse AdminApi::add_fault(const json& body) {
  FaultRule rule;
  rule.method = body.value("method", "");
  rule.path_prefix = body.value("pathPrefix", "");
  rule.remaining = body.value("count", 1);
  rule.status = body.value("status", 0);
  rule.retry_after_seconds = body.value("retryAfterSeconds", 1);
  rule.hang = std::chrono::milliseconds(body.value("hangMilliseconds", 0));
  if (rule.status == 0 && rule.hang.count() == 0) {
    return admin_error(400, "a fault needs a status or hangMilliseconds");
  }
  if (rule.remaining <= 0) return admin_error(400, "count must be positive");
  faults_.add(rule);
  return json_response(200, faults_.describe());
}

HttpResponse AdminApi::drop_watches(const json& body) {
  const std::string mode = body.value("mode", "clean");
  WatchClose how = WatchClose::kClean;
  if (mode == "abort") {
    how = WatchClose::kAbort;
  } else if (mode == "expired") {
    how = WatchClose::kExpired;
  } else if (mode != "clean") {
    return admin_error(400, "mode must be clean, abort or expired");
  }
  return json_response(200, {{"dropped", store_.hub().close_all(how)}});
}

HttpResponse AdminApi::compact(const json& body) {
  auto txn = store_.begin();
  std::uint64_t rv = 0;
  if (body.contains("resourceVersion")) {
    const json& v = body["resourceVersion"];
    rv = v.is_string() ? std::stoull(v.get<std::string>()) : v.get<std::uint64_t>();
  }
  txn.compact(rv);
  return json_response(200, {{"historyFloor", std::to_string(txn.history_floor())},
                             {"resourceVersion", std::to_string(txn.current_rv())}});
}

}  // namespace orderops::apiserver
