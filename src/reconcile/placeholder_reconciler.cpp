#include "reconcile/placeholder_reconciler.h"

namespace orderops::reconcile {
namespace {

constexpr std::string_view kReadyReason = "ReconcilerPending";
constexpr std::string_view kReadyMessage =
    "this build of orderops does not evaluate the spec of this kind yet";

kube::Condition ready_condition(const kube::Json& object) {
  return {"Ready", std::string(kube::kConditionUnknown), std::string(kReadyReason),
          std::string(kReadyMessage), kube::generation_of(object)};
}

}  // namespace

PlaceholderReconciler::PlaceholderReconciler(kube::ResourceType type, const runtime::Store& cache,
                                             runtime::StatusWriter& status, const Clock& clock,
                                             Logger log, PlaceholderHooks hooks)
    : type_(std::move(type)),
      cache_(cache),
      status_(status),
      clock_(clock),
      log_(log.with({{"kind", type_.kind}})),
      hooks_(std::move(hooks)) {}

std::optional<kube::Json> PlaceholderReconciler::desired_status(const kube::Json& object,
                                                                SystemTime now) {
  kube::Json status = object.contains("status") && object["status"].is_object()
                          ? object["status"]
                          : kube::Json::object();
  const kube::Json before = status;
  status["observedGeneration"] = kube::generation_of(object);
  kube::set_condition(status["conditions"], ready_condition(object), now);
  if (status == before) return std::nullopt;
  return status;
}

Result<runtime::Action> PlaceholderReconciler::reconcile(const kube::ObjectKey& key,
                                                         std::stop_token stop) {
  const kube::ObjectPtr object = cache_.get(key);
  if (!object) {
    if (hooks_.resource_gone) hooks_.resource_gone(key);
    return runtime::Action::await_change();
  }
  auto written = status_.write(
      type_, *object,
      [this](const kube::Json& latest) { return desired_status(latest, clock_.now()); }, stop);
  if (!written) return std::unexpected(written.error());
  if (hooks_.condition_set) hooks_.condition_set(key, ready_condition(*written));
  log_.debug(
      "status up to date",
      {{"namespace", key.ns}, {"name", key.name}, {"generation", kube::generation_of(*written)}});
  return runtime::Action::await_change();
}

}  // namespace orderops::reconcile
