// watch: HTTP 200 with a chunked stream of newline-terminated JSON events. Starts with
// synthetic ADDED events (resourceVersion unset or "0") or replays the history after the given
// resourceVersion; a version older than the history gets one ERROR event (410 Expired). Sends
// BOOKMARKs when allowed (every --bookmark-interval and shortly before the timeout), and ends
// cleanly at timeoutSeconds.
#include <algorithm>

#include "apiserver/handlers.h"
#include "apiserver/object_meta.h"
#include "apiserver/selectors.h"
#include "apiserver/table.h"

namespace orderops::apiserver {

using nlohmann::json;

namespace {

// The real server's default is 30-60 minutes (minRequestTimeout x [1,2)).
constexpr std::chrono::seconds kDefaultWatchTimeout{1800};
// Wake-up granularity for noticing that the client went away.
constexpr std::chrono::seconds kPeerCheck{1};
constexpr std::chrono::seconds kBookmarkBeforeDeadline{2};

// Unregisters the watcher when the response (and its stream function) is gone.
struct Registration {
  Registration(WatchHub& h, std::shared_ptr<Watcher> w) : hub(h), watcher(std::move(w)) {}
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  ~Registration() { hub.remove(watcher.get()); }
  WatchHub& hub;
  std::shared_ptr<Watcher> watcher;
};

struct WatchOptions {
  bool bookmarks = false;
  bool table = false;
  IncludeObject include = IncludeObject::kMetadata;
  std::chrono::seconds timeout = kDefaultWatchTimeout;
  bool explicit_timeout = false;
};

std::string event_line(const std::string& type, const json& object) {
  return json{{"type", type}, {"object", object}}.dump() + "\n";
}

}  // namespace

HttpResponse ResourceHandlers::watch(const ResourceRequest& r) {
  const ResourceType& t = *r.type;
  const HttpRequest& h = r.http;
  auto format = negotiate_output(h.header("accept"));
  if (!format) return error_response(format.error());
  auto labels = LabelSelector::parse(h.param("labelSelector").value_or(""));
  if (!labels) return error_response(labels.error());
  auto fields = FieldSelector::parse(h.param("fieldSelector").value_or(""), t);
  if (!fields) return error_response(fields.error());
  WatchOptions opts;
  opts.table = *format == OutputFormat::kTable;
  auto include = parse_include_object(h.param("includeObject").value_or(""));
  if (!include) return error_response(include.error());
  opts.include = *include;
  opts.bookmarks = parse_go_bool(h.param("allowWatchBookmarks").value_or("false")).value_or(false);
  if (auto s = h.param("timeoutSeconds"); s && std::atoll(s->c_str()) > 0) {
    opts.timeout = std::chrono::seconds(std::atoll(s->c_str()));
    opts.explicit_timeout = true;
  }
  const bool initial_events =
      parse_go_bool(h.param("sendInitialEvents").value_or("false")).value_or(false);
  if (initial_events && !opts.bookmarks) {
    return error_response(
        invalid("meta.k8s.io", "ListOptions", "",
                {{FieldError::Type::kForbidden, "allowWatchBookmarks", std::nullopt,
                  "allowWatchBookmarks required when sendInitialEvents is true"}}));
  }
  const std::string rv_text = h.param("resourceVersion").value_or("");
  std::uint64_t from = 0;
  if (!rv_text.empty() && rv_text != "0") {
    if (rv_text.find_first_not_of("0123456789") != std::string::npos || rv_text.size() > 19) {
      return error_response(bad_request("invalid resource version: " + rv_text));
    }
    from = std::stoull(rv_text);
  }
  const LabelSelector label_sel = *labels;
  const FieldSelector field_sel = *fields;
  Watcher::Matcher matches = [label_sel, field_sel](const json& o) {
    return label_sel.matches(o) && field_sel.matches(o);
  };
  const std::string ns = t.namespaced ? r.ns : "";

  std::shared_ptr<Registration> reg;
  std::optional<ApiError> too_old;
  std::uint64_t start_rv = 0;
  {
    auto txn = store_.begin();
    start_rv = txn.current_rv();
    auto watcher =
        std::make_shared<Watcher>(t.storage_key(), ns, matches, std::max(start_rv, from));
    if (from == 0 || initial_events) {
      for (const json* o : txn.list(t.storage_key(), ns)) {
        if (matches(*o)) watcher->push({"ADDED", *o});
      }
    } else if (auto events = txn.events_after(from)) {
      for (const auto& ev : *events) {
        if (ev.storage_key != t.storage_key()) continue;
        if (!ns.empty() && (*ev.object)["metadata"].value("namespace", "") != ns) continue;
        if (auto we = Watcher::transition(ev, matches)) watcher->push(std::move(*we));
      }
    } else {
      too_old = expired("too old resource version: " + rv_text + " (" +
                        std::to_string(txn.history_floor()) + ")");
    }
    if (!too_old) {
      store_.hub().add(watcher);
      reg = std::make_shared<Registration>(store_.hub(), watcher);
    }
  }

  HttpResponse res;
  res.status = 200;
  res.set_header("Content-Type", "application/json");
  res.set_header("Cache-Control", "no-cache, private");
  if (too_old) {
    const ApiError e = *too_old;
    res.stream = [e](ChunkSink& sink) { sink.write(event_line("ERROR", status_json(e))); };
    return res;
  }
  const ResourceTypePtr type = r.type;
  const Clock& clock = clock_;
  const auto interval = bookmark_interval_;
  res.stream = [reg, type, opts, &clock, interval, initial_events, start_rv](ChunkSink& sink) {
    Watcher& w = *reg->watcher;
    const auto begin = clock.monotonic();
    const auto deadline = begin + opts.timeout;
    auto next_bookmark = begin + interval;
    auto final_bookmark = deadline - std::min<std::chrono::steady_clock::duration>(
                                         kBookmarkBeforeDeadline, opts.timeout / 2);
    bool final_sent = !opts.explicit_timeout || !opts.bookmarks;
    bool columns_sent = false;
    const TableWriter writer(*type, clock.now(), opts.include);
    auto encode = [&](const std::string& ev_type, const json& stored) {
      json obj = present(*type, stored);
      if (opts.table) {
        obj =
            writer.table({obj}, {{"resourceVersion", obj["metadata"].value("resourceVersion", "")}},
                         !columns_sent);
        columns_sent = true;
      }
      return event_line(ev_type, obj);
    };
    auto bookmark = [&](std::uint64_t rv, bool initial_end) {
      json meta = {{"resourceVersion", std::to_string(rv)}};
      if (initial_end) meta["annotations"] = {{"k8s.io/initial-events-end", "true"}};
      json obj = {{"kind", type->kind}, {"apiVersion", type->api_version()}, {"metadata", meta}};
      return sink.write(event_line("BOOKMARK", obj));
    };
    bool initial_pending = initial_events;
    while (true) {
      if (initial_pending && w.queue_empty()) {
        if (!bookmark(start_rv, true)) return;
        initial_pending = false;
      }
      auto wake = std::min(deadline, clock.monotonic() + kPeerCheck);
      if (opts.bookmarks)
        wake = std::min({wake, next_bookmark, final_sent ? wake : final_bookmark});
      if (auto ev = w.next(wake)) {
        if (!sink.write(encode(ev->type, ev->object))) return;
        continue;
      }
      if (auto closed = w.closed()) {
        if (*closed == WatchClose::kAbort) sink.abort();
        if (*closed == WatchClose::kExpired) {
          sink.write(event_line("ERROR", status_json(expired("too old resource version: " +
                                                             std::to_string(w.seen_rv()) + " (" +
                                                             std::to_string(w.seen_rv()) + ")"))));
        }
        return;
      }
      if (sink.peer_closed()) return;
      const auto now = clock.monotonic();
      if (now >= deadline) return;
      if (opts.bookmarks && w.queue_empty() &&
          (now >= next_bookmark || (!final_sent && now >= final_bookmark))) {
        if (now >= final_bookmark) final_sent = true;
        next_bookmark = now + interval;
        if (!bookmark(w.seen_rv(), false)) return;
      }
    }
  };
  return res;
}

}  // namespace orderops::apiserver
