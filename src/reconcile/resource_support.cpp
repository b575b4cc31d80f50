#include "reconcile/resource_support.h"

#include "api/condition_types.h"
#include "api/event_reasons.h"

namespace orderops::reconcile {

kube::Json status_shell(const kube::Json& object) {
  kube::Json shell = {{"apiVersion", object.value("apiVersion", "")},
                      {"kind", object.value("kind", "")},
                      {"metadata", object.value("metadata", kube::Json::object())},
                      {"spec", kube::Json::object()}};
  if (const auto it = object.find("status"); it != object.end()) shell["status"] = *it;
  return shell;
}

kube::Json without_status(const kube::Json& object) {
  kube::Json out = object;
  out.erase("status");
  return out;
}

bool changes_more_than_status(const runtime::InformerEvent& event) {
  if (event.type != runtime::InformerEventType::kUpdate || !event.old_object) return true;
  auto comparable = [](const kube::Json& object) {
    kube::Json out = without_status(object);
    if (auto m = out.find("metadata"); m != out.end() && m->is_object()) {
      m->erase("resourceVersion");
      m->erase("managedFields");
    }
    return out;
  };
  return comparable(*event.object) != comparable(*event.old_object);
}

Result<runtime::Action> after_problem(const Error& problem, const Readiness& ready) {
  if (!ready.stalled) return std::unexpected(problem);
  if (ready.reason == api::reasons::kInvalidSpec || ready.reason == api::reasons::kSecretNotFound) {
    return runtime::Action::await_change();
  }
  return runtime::Action::requeue(kMaxRequeue);
}

std::string run_owner(const kube::ObjectKey& key, std::string_view task) {
  return key.ns + "/" + key.name + "/" + std::string(task);
}

std::string trim(std::string s) {
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

std::string_view finished_event_reason(api::Outcome outcome) {
  switch (outcome) {
    case api::Outcome::kSucceeded:
      return api::event_reasons::kRunSucceeded;
    case api::Outcome::kPartiallyFailed:
      return api::event_reasons::kRunPartiallyFailed;
    case api::Outcome::kDeadlineExceeded:
      return api::event_reasons::kRunDeadlineExceeded;
    case api::Outcome::kFailed:
    case api::Outcome::kCancelled:
      return api::event_reasons::kRunFailed;
  }
  return api::event_reasons::kRunFailed;
}

void announce(const runtime::ObjectReference& ref, const kube::ObjectKey& key,
              const std::vector<api::Condition>& before, const std::vector<api::Condition>& after,
              const Readiness& ready, const std::vector<const TaskDecision*>& decisions,
              const EventSink& events, const ConditionSink& conditions) {
  if (events) {
    for (const TaskDecision* d : decisions) {
      for (const auto& e : d->events) events(ref, e.warning, e.reason, e.message);
    }
    const api::Condition* was = api::find_condition(before, api::conditions::kReady);
    const bool news = !was || was->reason != ready.reason || was->message != ready.message;
    if (!ready.ready && news) events(ref, true, ready.reason, ready.message);
  }
  if (conditions) {
    for (const auto& c : after) conditions(key, c.type, api::to_string(c.status));
  }
}

}  // namespace orderops::reconcile
