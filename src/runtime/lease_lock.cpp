#include "runtime/lease_lock.h"

namespace orderops::runtime {

KubeLeaseLock::KubeLeaseLock(kube::Client& client, std::string ns, std::string name)
    : client_(client), ns_(std::move(ns)), name_(std::move(name)) {}

Result<std::pair<kube::LeaseRecord, std::string>> KubeLeaseLock::get(Duration timeout,
                                                                     std::stop_token stop) {
  auto lease = client_.get(kube::lease_resource(), ns_, name_, {timeout}, stop);
  if (!lease) return std::unexpected(lease.error());
  auto record = kube::lease_record_from(*lease);
  if (!record) return std::unexpected(record.error());
  std::string raw = (*lease)["spec"].dump();
  std::lock_guard lock(mu_);
  lease_ = std::move(*lease);
  return std::make_pair(std::move(*record), std::move(raw));
}

Status KubeLeaseLock::create(const kube::LeaseRecord& record, Duration timeout,
                             std::stop_token stop) {
  auto created = client_.create(kube::lease_resource(), ns_, kube::make_lease(ns_, name_, record),
                                {.timeout = timeout}, stop);
  if (!created) return std::unexpected(created.error());
  std::lock_guard lock(mu_);
  lease_ = std::move(*created);
  return {};
}

Status KubeLeaseLock::update(const kube::LeaseRecord& record, Duration timeout,
                             std::stop_token stop) {
  kube::Json lease;
  {
    std::lock_guard lock(mu_);
    if (!lease_) {
      return make_error(ErrorCode::kInternal, "lease not initialized, call get or create first");
    }
    lease = *lease_;
  }
  kube::write_lease_record(lease, record);
  auto updated = client_.update(kube::lease_resource(), lease, {.timeout = timeout}, stop);
  if (!updated) return std::unexpected(updated.error());
  std::lock_guard lock(mu_);
  lease_ = std::move(*updated);
  return {};
}

}  // namespace orderops::runtime
