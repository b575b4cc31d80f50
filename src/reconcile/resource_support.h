// Small pieces both reconcilers share: reading a stored status apart from a spec that may not
// decode, the event for a finished run, and announcing what a round changed (events for schedule
// decisions and new problems, condition metrics). Thread-safe (pure, or calling thread-safe sinks).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/codec.h"
#include "api/condition.h"
#include "api/enums.h"
#include "kube/object.h"
#include "reconcile/readiness.h"
#include "reconcile/task_decision.h"
#include "runtime/event_correlator.h"
#include "runtime/informer.h"
#include "runtime/reconciler.h"
#include "runtime/status_writer.h"

namespace orderops::reconcile {

// Events about a resource (bound to runtime::EventRecorder in the manager).
using EventSink = std::function<void(const runtime::ObjectReference& object, bool warning,
                                     std::string_view reason, std::string_view message)>;
// orderops_resource_condition for one condition of a resource.
using ConditionSink =
    std::function<void(const kube::ObjectKey&, std::string_view type, std::string_view status)>;

// The object with an empty spec and its stored status, for decoding the status alone: status is
// ours to rebuild, and a spec that does not decode must not cost the resource its history.
kube::Json status_shell(const kube::Json& object);
// The object without its status, for decoding the spec alone (a hand-edited status must not
// make the spec unreadable).
kube::Json without_status(const kube::Json& object);

// False for an update that changed only status (or only bookkeeping metadata: resourceVersion,
// managedFields): the reconciler's own status writes must not wake it again, or a status that
// differs on every look (a timestamp, a request id) would keep it spinning. Spec, labels and
// annotations (run-now) changes pass.
bool changes_more_than_status(const runtime::InformerEvent& event);

// Even with nothing due, look again at least this often: a database may have recovered or been
// migrated by hand, and a missed watch event must not leave a resource unattended.
inline constexpr Duration kMaxRequeue = std::chrono::minutes(10);

// What to do after a round that met a blocking problem: a transient one (database unreachable)
// is retried with the rate limiter's backoff (returned as the error); a bad spec or a missing
// Secret waits for a change, which the watches deliver; anything else fixed outside Kubernetes
// (credentials changed in the database, a schema migrated by hand) is looked at again later.
Result<runtime::Action> after_problem(const Error& problem, const Readiness& ready);

// Writes the status `build` makes from the stored one, once. With `fenced` (runs start after this
// write) it is one PUT under the cached resourceVersion and a Conflict is returned: another
// replica or an earlier attempt took the slot (api.md section 3). Otherwise the writer re-reads
// and rebuilds on conflicts, and nothing is written when nothing changed. Returns what `build`
// produced for the status that now stands. `Built` has a `status` member; `decode` reads the
// stored status of an object.
template <class Built, class Decode, class Build>
Result<Built> write_status(runtime::StatusWriter& writer, const kube::ResourceType& type,
                           const kube::Json& object, bool fenced, const Decode& decode,
                           const Build& build, std::stop_token stop) {
  Built result;
  if (fenced) {
    result = build(decode(object));
    auto written = writer.write_once(type, object, api::encode_status(result.status), stop);
    if (!written) return std::unexpected(written.error().wrap("recording run starts"));
    return result;
  }
  auto written = writer.write(
      type, object,
      [&](const kube::Json& latest) -> std::optional<kube::Json> {
        const auto base = decode(latest);
        result = build(base);
        if (result.status == base) return std::nullopt;
        return api::encode_status(result.status);
      },
      stop);
  if (!written) return std::unexpected(written.error().wrap("writing status"));
  return result;
}

// "<namespace>/<name>/<task>", the run pool and ledger owner of a resource's task.
std::string run_owner(const kube::ObjectKey& key, std::string_view task);

// Secret values written with `echo` carry a newline; URIs and tokens never end in white space.
std::string trim(std::string s);

// RunSucceeded, RunPartiallyFailed, RunDeadlineExceeded or RunFailed.
std::string_view finished_event_reason(api::Outcome outcome);

// Emits the decisions' events, a Warning when a blocking problem appears or changes (not on every
// look), and the resulting conditions to `conditions`.
void announce(const runtime::ObjectReference& ref, const kube::ObjectKey& key,
              const std::vector<api::Condition>& before, const std::vector<api::Condition>& after,
              const Readiness& ready, const std::vector<const TaskDecision*>& decisions,
              const EventSink& events, const ConditionSink& conditions);

}  // namespace orderops::reconcile
