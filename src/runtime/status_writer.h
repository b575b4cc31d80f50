// Writes the status subresource with optimistic concurrency: on Conflict re-read, recompute
// and retry with a bounded backoff. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/log.h"
#include "kube/client.h"

namespace orderops::runtime {

struct StatusWriterConfig {
  int max_attempts = 5;
  BackoffPolicy backoff{std::chrono::milliseconds(50), std::chrono::seconds(2), 2.0, 0.5};
  std::string field_manager = "orderops";
  std::uint64_t seed = 1;
};

// Given the latest object, the complete new .status, or nullopt when nothing needs writing.
using StatusFn = std::function<std::optional<kube::Json>(const kube::Json& latest)>;

// Writes the status subresource (PUT .../status with the object's resourceVersion). On Conflict
// it re-reads the object from the API server (the cache may lag), recomputes the status from that
// copy and tries again after a jittered exponential backoff, a bounded number of times: never a
// tight loop. For fenced writes where a conflict must abort (api.md section 3: the slot record
// before a run) use write_once(). Thread-safe.
class StatusWriter {
 public:
  StatusWriter(kube::Client& client, const Clock& clock, Logger log,
               StatusWriterConfig config = {});

  // Writes compute(object)'s status, retrying conflicts as described above. Returns the object as
  // written, or the latest object when compute() found nothing to change.
  Result<kube::Json> write(const kube::ResourceType& type, const kube::Json& object,
                           const StatusFn& compute, std::stop_token stop = {});
  // One PUT of `status` onto `object` (its resourceVersion guards it); Conflict is returned.
  Result<kube::Json> write_once(const kube::ResourceType& type, const kube::Json& object,
                                const kube::Json& status, std::stop_token stop = {});

 private:
  std::uint64_t next_seed();

  kube::Client& client_;
  const Clock& clock_;
  Logger log_;
  const StatusWriterConfig config_;
  std::mutex mu_;
  std::mt19937_64 seeds_;
};

}  // namespace orderops::runtime
