#include "runtime/status_writer.h"

#include "kube/api_error.h"

namespace orderops::runtime {

StatusWriter::StatusWriter(kube::Client& client, const Clock& clock, Logger log,
                           StatusWriterConfig config)
    : client_(client),
      clock_(clock),
      log_(std::move(log)),
      config_(std::move(config)),
      seeds_(config_.seed) {}

std::uint64_t StatusWriter::next_seed() {
  std::lock_guard lock(mu_);
  return seeds_();
}

Result<kube::Json> StatusWriter::write_once(const kube::ResourceType& type,
                                            const kube::Json& object, const kube::Json& status,
                                            std::stop_token stop) {
  kube::Json desired = object;
  desired["status"] = status;
  return client_.update_status(type, desired, {.field_manager = config_.field_manager}, stop);
}

Result<kube::Json> StatusWriter::write(const kube::ResourceType& type, const kube::Json& object,
                                       const StatusFn& compute, std::stop_token stop) {
  Backoff backoff(config_.backoff, next_seed());
  kube::Json latest = object;
  for (int attempt = 1;; ++attempt) {
    std::optional<kube::Json> status = compute(latest);
    if (!status) return latest;
    auto written = write_once(type, latest, *status, stop);
    if (written || !kube::is_conflict(written.error())) return written;
    if (attempt >= config_.max_attempts) {
      return std::unexpected(written.error().wrap("status write kept conflicting"));
    }
    log_.debug("status write conflicted, re-reading",
               {{"name", kube::name_of(latest)}, {"attempt", attempt}});
    if (!clock_.sleep_for(backoff.next(), stop)) {
      return make_error(ErrorCode::kCancelled, "status write stopped");
    }
    auto fresh = client_.get(type, kube::namespace_of(latest), kube::name_of(latest), {}, stop);
    if (!fresh) return std::unexpected(fresh.error());
    latest = std::move(*fresh);
  }
}

}  // namespace orderops::runtime
