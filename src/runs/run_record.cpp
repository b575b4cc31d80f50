#include "runs/run_record.h"

namespace orderops::runs {

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
