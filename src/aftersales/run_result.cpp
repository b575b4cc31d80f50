#include "aftersales/run_result.h"

namespace orderops::aftersales {

namespace {

std::string live_counts(const Counts& c) {
  return "approved " + std::to_string(c.approved) + ", cancelled " + std::to_string(c.cancelled) +
         ", received " + std::to_string(c.received) + ", deadlines set " +
         std::to_string(c.deadlines_set);
}

constexpr std::string_view kWouldVerb[] = {"approve", "cancel", "receive"};

std::string dry_counts(const AftersalesRunResult& r) {
  std::string out = "dry run: would ";
  for (const auto& t : kTransitions) {
    if (t.state != TimedState::kPendingApproval) out += ", ";
    out += std::string(kWouldVerb[static_cast<std::size_t>(t.state)]) + " " +
           std::to_string(r.counts.transitioned(t.state));
    for (const auto& s : r.samples) {
      if (s.from == t.state && !s.ids.empty())
        out += " (e.g. " + format_id_list(s.ids, s.ids.size()) + ")";
    }
  }
  return out + ", set " + std::to_string(r.counts.deadlines_set) + " deadlines";
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSucceeded:
      return "Succeeded";
    case Outcome::kPartiallyFailed:
      return "PartiallyFailed";
    case Outcome::kFailed:
      return "Failed";
    case Outcome::kCancelled:
      return "Cancelled";
  }
  return "Failed";
}

std::int64_t& Counts::transitioned(TimedState from) {
  switch (from) {
    case TimedState::kPendingReturn:
      return cancelled;
    case TimedState::kPendingReceive:
      return received;
    case TimedState::kPendingApproval:
      break;
  }
  return approved;
}

std::int64_t Counts::transitioned(TimedState from) const {
  return const_cast<Counts*>(this)->transitioned(from);
}

std::int64_t& Backlog::of(TimedState s) {
  switch (s) {
    case TimedState::kPendingReturn:
      return pending_return;
    case TimedState::kPendingReceive:
      return pending_receive;
    case TimedState::kPendingApproval:
      break;
  }
  return pending_approval;
}

std::vector<TransitionCount> AftersalesRunResult::transitions() const {
  std::vector<TransitionCount> out;
  for (const auto& t : kTransitions) {
    out.push_back(TransitionCount{t.from, t.to, dry_run ? 0 : counts.transitioned(t.state)});
  }
  return out;
}

Outcome decide_outcome(const Counts& counts, const std::optional<Error>& error,
                       bool stop_requested) {
  if (error) {
    return error->code == ErrorCode::kCancelled || stop_requested ? Outcome::kCancelled
                                                                  : Outcome::kFailed;
  }
  if (stop_requested) return Outcome::kCancelled;
  return counts.failed > 0 ? Outcome::kPartiallyFailed : Outcome::kSucceeded;
}

std::string build_message(const AftersalesRunResult& r) {
  std::string body = r.dry_run ? dry_counts(r) : live_counts(r.counts);
  if (r.counts.failed > 0) {
    body += "; failed " + std::to_string(r.counts.failed) + ": ids " +
            format_id_list(r.failed_ids, kMessageIdLimit);
  }
  switch (r.outcome) {
    case Outcome::kFailed:
      return (r.error ? r.error->message : std::string("run failed")) + " (before that: " + body +
             ")";
    case Outcome::kCancelled:
      return "cancelled (before that: " + body + ")";
    case Outcome::kSucceeded:
    case Outcome::kPartiallyFailed:
      break;
  }
  return body;
}

std::string format_id_list(const std::vector<std::int64_t>& ids, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += std::to_string(ids[i]);
  }
  if (ids.size() > limit) out += " and " + std::to_string(ids.size() - limit) + " more";
  return out;
}

runs::JobResult AftersalesRunResult::job_result() const {
  runs::JobResult out;
  switch (outcome) {
    case Outcome::kSucceeded:
      out.outcome = api::Outcome::kSucceeded;
      break;
    case Outcome::kPartiallyFailed:
      out.outcome = api::Outcome::kPartiallyFailed;
      break;
    case Outcome::kFailed:
      out.outcome = api::Outcome::kFailed;
      break;
    case Outcome::kCancelled:
      out.outcome = api::Outcome::kCancelled;
      break;
  }
  out.message = message;
  out.counts = {{"selected", counts.selected},   {"approved", counts.approved},
                {"cancelled", counts.cancelled}, {"received", counts.received},
                {"failed", counts.failed},       {"deadlinesSet", counts.deadlines_set}};
  return out;
}

}  // namespace orderops::aftersales
