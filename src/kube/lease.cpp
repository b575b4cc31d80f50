#include "kube/lease.h"

#include "common/time_format.h"

namespace orderops::kube {
namespace {

Result<std::optional<SystemTime>> time_field(const Json& spec, const char* key) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::optional<SystemTime>();
  if (!it->is_string()) return invalid(std::string("lease spec.") + key + " is not a string");
  auto t = parse_rfc3339(it->get<std::string>());
  if (!t) return std::unexpected(t.error().wrap(std::string("lease spec.") + key));
  return std::optional<SystemTime>(*t);
}

std::int32_t int_field(const Json& spec, const char* key) {
  const auto it = spec.find(key);
  return it != spec.end() && it->is_number_integer() ? it->get<std::int32_t>() : 0;
}

}  // namespace

Result<LeaseRecord> lease_record_from(const Json& lease) {
  LeaseRecord out;
  if (!lease.is_object() || !lease.contains("spec") || !lease["spec"].is_object()) return out;
  const Json& spec = lease["spec"];
  out.holder_identity = spec.value("holderIdentity", "");
  out.lease_duration_seconds = int_field(spec, "leaseDurationSeconds");
  out.lease_transitions = int_field(spec, "leaseTransitions");
  auto acquire = time_field(spec, "acquireTime");
  if (!acquire) return std::unexpected(acquire.error());
  auto renew = time_field(spec, "renewTime");
  if (!renew) return std::unexpected(renew.error());
  out.acquire_time = *acquire;
  out.renew_time = *renew;
  return out;
}

void write_lease_record(Json& lease, const LeaseRecord& record) {
  Json spec = Json::object();
  spec["holderIdentity"] = record.holder_identity;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  if (record.acquire_time) spec["acquireTime"] = format_rfc3339_micro(*record.acquire_time);
  if (record.renew_time) spec["renewTime"] = format_rfc3339_micro(*record.renew_time);
  spec["leaseTransitions"] = record.lease_transitions;
  lease["spec"] = std::move(spec);
}

Json make_lease(const std::string& ns, const std::string& name, const LeaseRecord& record) {
  Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", name}, {"namespace", ns}}}};
  write_lease_record(lease, record);
  return lease;
}

}  // namespace orderops::kube
