// The resource lock of leader election (client-go resourcelock.Interface) and its implementation
// on a coordination.k8s.io/v1 Lease: get, create, and an update that carries the resourceVersion
// of the Lease last read or written, so concurrent candidates race through optimistic
// concurrency. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/error.h"
#include "kube/client.h"
#include "kube/lease.h"

namespace orderops::runtime {

class LeaseLock {
 public:
  virtual ~LeaseLock() = default;
  // The record and its raw serialisation (to notice any change); NotFound when no Lease exists.
  virtual Result<std::pair<kube::LeaseRecord, std::string>> get(Duration timeout,
                                                                std::stop_token stop) = 0;
  virtual Status create(const kube::LeaseRecord& record, Duration timeout,
                        std::stop_token stop) = 0;
  // Replaces the record of the Lease last seen; Conflict when someone wrote it since.
  virtual Status update(const kube::LeaseRecord& record, Duration timeout,
                        std::stop_token stop) = 0;
  virtual std::string describe() const = 0;
};

class KubeLeaseLock final : public LeaseLock {
 public:
  KubeLeaseLock(kube::Client& client, std::string ns, std::string name);

  Result<std::pair<kube::LeaseRecord, std::string>> get(Duration timeout,
                                                        std::stop_token stop) override;
  Status create(const kube::LeaseRecord& record, Duration timeout, std::stop_token stop) override;
  Status update(const kube::LeaseRecord& record, Duration timeout, std::stop_token stop) override;
  std::string describe() const override { return ns_ + "/" + name_; }

 private:
  kube::Client& client_;
  const std::string ns_;
  const std::string name_;
  std::mutex mu_;
  std::optional<kube::Json> lease_;  // the Lease last read or written (carries its RV)
};

}  // namespace orderops::runtime
