#include "aftersales/notify_payload.h"

#include <nlohmann/json.hpp>

namespace orderops::aftersales {

namespace {

// Invalid UTF-8 in a name must not throw out of the module: replace it.
std::string dump(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json policy_json(const AuditInfo& audit) {
  return {{"namespace", audit.policy_namespace}, {"name", audit.policy_name}};
}

}  // namespace

std::string notify_payload(const AuditInfo& audit, const std::string& table,
                           const std::vector<AppliedChange>& changes) {
  nlohmann::json doc = {{"runID", audit.run_id},
                        {"policy", policy_json(audit)},
                        {"table", table},
                        {"count", changes.size()}};
  std::array<std::vector<std::int64_t>, kTimedStateCount> ids;
  for (const auto& c : changes) ids[static_cast<std::size_t>(c.from)].push_back(c.id);
  auto groups = nlohmann::json::array();
  for (const auto& t : kTransitions) {
    const auto& list = ids[static_cast<std::size_t>(t.state)];
    if (list.empty()) continue;
    groups.push_back(
        {{"from", t.from}, {"to", t.to}, {"count", list.size()}, {"ids", nlohmann::json::array()}});
  }
  doc["changes"] = groups;
  doc["truncated"] = false;
  // Room for the ids: what is left below the limit, with each id costing its digits and a comma.
  std::size_t room = kMaxNotifyPayload - std::min(kMaxNotifyPayload, dump(doc).size());
  bool truncated = false;
  std::size_t g = 0;
  for (const auto& t : kTransitions) {
    const auto& list = ids[static_cast<std::size_t>(t.state)];
    if (list.empty()) continue;
    auto& out = doc["changes"][g++]["ids"];
    for (auto id : list) {
      const auto cost = std::to_string(id).size() + 1;
      if (cost > room) {
        truncated = true;
        break;
      }
      room -= cost;
      out.push_back(id);
    }
  }
  doc["truncated"] = truncated;
  return dump(doc);
}

std::string audit_context(const AuditInfo& audit) {
  return dump(nlohmann::json{
      {"runID", audit.run_id}, {"policy", policy_json(audit)}, {"job", "aftersales-timeout"}});
}

}  // namespace orderops::aftersales
