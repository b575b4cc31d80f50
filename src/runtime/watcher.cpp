#include "runtime/watcher.h"

#include "kube/api_error.h"

namespace orderops::runtime {
namespace {

// client-go treats a watch shorter than this that delivered nothing as a failure.
constexpr Duration kVeryShortWatch = std::chrono::seconds(1);

std::int64_t ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

std::string_view to_string(WatcherPhase phase) {
  switch (phase) {
    case WatcherPhase::kList:
      return "list";
    case WatcherPhase::kWatchStart:
      return "watch-start";
    case WatcherPhase::kWatching:
      return "watching";
    case WatcherPhase::kBackoff:
      return "backoff";
  }
  return "list";
}

Watcher::Watcher(kube::Client& client, kube::ResourceType type, std::string ns,
                 WatcherConfig config, const Clock& clock, Logger log)
    : client_(client),
      type_(std::move(type)),
      ns_(std::move(ns)),
      config_(std::move(config)),
      clock_(clock),
      log_(log.with({{"resource", type_.display()}})),
      backoff_(config_.backoff, config_.backoff_reset, clock, config_.seed),
      random_(config_.seed ^ 0x9e3779b97f4a7c15ULL) {
  begin_list();
}

void Watcher::begin_list() {
  // client-go relistResourceVersion(): "" after a 410, "0" before any sync, else the last RV.
  list_rv_ = rv_unavailable_ ? "" : (last_sync_rv_.empty() ? "0" : last_sync_rv_);
  // Paging off for "not older than RV" relists so the watch cache can answer, unless the server
  // already showed it pages (client-go reflector.list()).
  if (paginated_result_ || list_rv_.empty() || list_rv_ == "0") {
    list_limit_ = config_.page_size;
  } else {
    list_limit_ = 0;
  }
  continue_.clear();
  pages_.clear();
  phase_ = WatcherPhase::kList;
}

void Watcher::enter_backoff(WatcherPhase next) {
  const Duration wait = backoff_.next();
  backoff_until_ = clock_.monotonic() + wait;
  after_backoff_ = next;
  phase_ = WatcherPhase::kBackoff;
  log_.debug("watcher backing off", {{"wait_ms", ms(wait)}, {"next", to_string(next)}});
}

std::int64_t Watcher::watch_timeout_seconds() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double base = std::chrono::duration<double>(config_.min_watch_timeout).count();
  return static_cast<std::int64_t>(base * (1.0 + unit(random_)));
}

WatcherEvent Watcher::step(std::stop_token stop) {
  switch (phase_) {
    case WatcherPhase::kList:
      return step_list(stop);
    case WatcherPhase::kWatchStart:
      return step_watch_start(stop);
    case WatcherPhase::kWatching:
      return step_watching(stop);
    case WatcherPhase::kBackoff:
      if (clock_.monotonic() < backoff_until_) return {};
      if (after_backoff_ == WatcherPhase::kList) {
        begin_list();
      } else {
        phase_ = after_backoff_;
      }
      return {};
  }
  return {};
}

WatcherEvent Watcher::step_list(std::stop_token stop) {
  kube::ListOptions options;
  options.resource_version = continue_.empty() ? list_rv_ : "";
  options.continue_token = continue_;
  options.limit = list_limit_;
  options.label_selector = config_.label_selector;
  options.field_selector = config_.field_selector;
  auto page = client_.list(type_, ns_, options, stop);
  if (!page) {
    if (!stop.stop_requested()) handle_list_error(page.error());
    return {};
  }
  for (auto& item : page->items) {
    pages_.push_back(std::make_shared<const kube::Json>(std::move(item)));
  }
  if (!page->continue_token.empty()) {
    paginated_result_ = true;
    continue_ = page->continue_token;
    return {};
  }
  last_sync_rv_ = page->resource_version;
  rv_unavailable_ = false;
  WatcherEvent out{WatcherEvent::Kind::kRestarted, std::move(pages_)};
  pages_.clear();
  continue_.clear();
  phase_ = WatcherPhase::kWatchStart;
  log_.debug("listed", {{"objects", out.objects.size()}, {"resourceVersion", last_sync_rv_}});
  return out;
}

void Watcher::handle_list_error(const Error& error) {
  const bool expired = kube::is_expired(error) || kube::is_resource_version_too_large(error);
  if (expired && !continue_.empty()) {
    // The pager's FullListIfExpired: the continue token expired, list everything at once.
    continue_.clear();
    pages_.clear();
    list_limit_ = 0;
    log_.info("continue token expired, listing without paging");
    return;
  }
  if (expired && !rv_unavailable_) {
    // The RV we asked for is gone: a consistent read from etcd ("") right away.
    rv_unavailable_ = true;
    begin_list();
    log_.info("resource version expired, relisting from the latest state");
    return;
  }
  log_.warn("list failed", {{"error", error.to_string()}});
  enter_backoff(WatcherPhase::kList);
}

WatcherEvent Watcher::step_watch_start(std::stop_token stop) {
  kube::WatchOptions options;
  options.resource_version = last_sync_rv_;
  options.allow_bookmarks = true;
  options.timeout_seconds = watch_timeout_seconds();
  options.label_selector = config_.label_selector;
  options.field_selector = config_.field_selector;
  auto stream = client_.watch(type_, ns_, options, stop);
  if (!stream) {
    if (stop.stop_requested()) return {};
    const Error& e = stream.error();
    // client-go isWatchErrorRetriable: the server is overloaded or not up; keep our RV.
    if (kube::is_connection_refused(e) || kube::is_too_many_requests(e)) {
      log_.info("watch refused, retrying", {{"error", e.to_string()}});
      enter_backoff(WatcherPhase::kWatchStart);
    } else {
      log_.warn("watch failed", {{"error", e.to_string()}});
      enter_backoff(WatcherPhase::kList);
    }
    return {};
  }
  stream_.emplace(std::move(*stream));
  watch_started_ = clock_.monotonic();
  watch_events_ = 0;
  phase_ = WatcherPhase::kWatching;
  return {};
}

void Watcher::end_watch() {
  stream_.reset();
  const Duration lasted = clock_.monotonic() - watch_started_;
  if (lasted < kVeryShortWatch && watch_events_ == 0) {
    log_.warn("very short watch: closed within a second without events");
    enter_backoff(WatcherPhase::kList);
    return;
  }
  phase_ = WatcherPhase::kWatchStart;
}

WatcherEvent Watcher::step_watching(std::stop_token stop) {
  auto next = stream_->next();
  if (!next) {
    if (stop.stop_requested()) return {};
    if (next.error().code == ErrorCode::kInvalid) {
      stream_.reset();
      log_.warn("undecodable watch event", {{"error", next.error().to_string()}});
      enter_backoff(WatcherPhase::kList);
      return {};
    }
    // A reset or timed-out connection ends the watch like EOF does (client-go IsProbableEOF).
    log_.debug("watch connection ended", {{"error", next.error().to_string()}});
    end_watch();
    return {};
  }
  if (!next->has_value()) {
    end_watch();
    return {};
  }
  kube::WatchEvent& event = **next;
  ++watch_events_;
  if (event.type == kube::WatchEventType::kError) {
    stream_.reset();
    const Error e = kube::error_from_status(event.object);
    if (kube::is_too_many_requests(e)) {
      enter_backoff(WatcherPhase::kWatchStart);
    } else {
      // Expired (410) or anything else: relist "not older than" our RV after the backoff.
      log_.info("watch ended with an error event", {{"error", e.to_string()}});
      enter_backoff(WatcherPhase::kList);
    }
    return {};
  }
  const std::string rv = kube::resource_version_of(event.object);
  if (!rv.empty()) last_sync_rv_ = rv;
  switch (event.type) {
    case kube::WatchEventType::kAdded:
    case kube::WatchEventType::kModified:
      return {WatcherEvent::Kind::kApplied,
              {std::make_shared<const kube::Json>(std::move(event.object))}};
    case kube::WatchEventType::kDeleted:
      return {WatcherEvent::Kind::kDeleted,
              {std::make_shared<const kube::Json>(std::move(event.object))}};
    default:
      return {};  // BOOKMARK: only the RV moves
  }
}

void Watcher::run(const std::function<void(WatcherEvent&&)>& sink, std::stop_token stop) {
  while (!stop.stop_requested()) {
    WatcherEvent event = step(stop);
    if (event.kind != WatcherEvent::Kind::kNone) sink(std::move(event));
    if (phase_ == WatcherPhase::kBackoff && !clock_.sleep_until(backoff_until_, stop)) break;
  }
  stream_.reset();
}

}  // namespace orderops::runtime
