#include "runs/run_record.h"

namespace orderops::runs {

std::string_view to_string(Trigger trigger) {
  return trigger == Trigger::kSchedule ? "Schedule" : "Manual";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSucceeded:
      return "Succeeded";
    case Outcome::kFailed:
      return "Failed";
    case Outcome::kPartiallyFailed:
      return "PartiallyFailed";
    case Outcome::kDeadlineExceeded:
      return "DeadlineExceeded";
    case Outcome::kCancelled:
      return "Cancelled";
  }
  return "Failed";
}

std::string_view to_string(CancelReason reason) {
  switch (reason) {
    case CancelReason::kNone:
      return "none";
    case CancelReason::kDeadline:
      return "activeDeadlineSeconds exceeded";
    case CancelReason::kReplaced:
      return "replaced by a newer run (concurrencyPolicy Replace)";
    case CancelReason::kLostLeadership:
      return "leadership lost";
    case CancelReason::kShutdown:
      return "manager shutting down";
    case CancelReason::kDeleted:
      return "resource deleted";
  }
  return "cancelled";
}

}  // namespace orderops::runs
