// The leader-election record stored in a coordination.k8s.io/v1 Lease spec (client-go's
// LeaderElectionRecord), and its JSON codec. Times are MicroTime: RFC 3339 with exactly six
// fractional digits, as the Go API server parses them. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "kube/object.h"

namespace orderops::kube {

struct LeaseRecord {
  std::string holder_identity;
  std::int32_t lease_duration_seconds = 0;
  std::optional<SystemTime> acquire_time;
  std::optional<SystemTime> renew_time;
  std::int32_t lease_transitions = 0;

  bool operator==(const LeaseRecord&) const = default;
};

// Reads .spec of a Lease; missing fields are zero.
Result<LeaseRecord> lease_record_from(const Json& lease);
// Writes the record into .spec of `lease`, leaving metadata alone.
void write_lease_record(Json& lease, const LeaseRecord& record);
// A new Lease object named `name` in `ns` holding `record`.
Json make_lease(const std::string& ns, const std::string& name, const LeaseRecord& record);

}  // namespace orderops::kube
