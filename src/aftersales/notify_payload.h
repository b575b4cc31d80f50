// The JSON sent with pg_notify once per committed batch. PostgreSQL refuses payloads of 8000
// bytes or more, so ids are listed only while they fit and `truncated` says when some were left
// out (counts are always complete). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "aftersales/repository.h"

namespace orderops::aftersales {

inline constexpr std::size_t kMaxNotifyPayload = 7900;

// {"runID":..,"policy":{"namespace":..,"name":..},"table":..,"count":N,
//  "changes":[{"from":"pending_approval","to":"approved","count":n,"ids":[..]},..],
//  "truncated":false}
std::string notify_payload(const AuditInfo& audit, const std::string& table,
                           const std::vector<AppliedChange>& changes);

// {"runID":..,"policy":{"namespace":..,"name":..},"job":"aftersales-timeout"}: context_data of
// every audit row a run writes.
std::string audit_context(const AuditInfo& audit);

}  // namespace orderops::aftersales
