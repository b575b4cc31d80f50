// The three timed after-sales states and what their timeout does (jobs.md section 2): target
// state, stage, audit action and audit text. Constant data; thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace orderops::aftersales {

enum class TimedState { kPendingApproval = 0, kPendingReturn = 1, kPendingReceive = 2 };

inline constexpr std::size_t kTimedStateCount = 3;

struct Transition {
  TimedState state;
  std::string_view from;     // state column value before
  std::string_view to;       // after
  std::string_view stage;    // stage column value after
  std::string_view action;   // order_aftersales_logs.action
  std::string_view content;  // order_aftersales_logs.content
  // The timestamp column set to now(), if any.
  std::string_view stamp_column;
};

// Indexed by TimedState.
inline constexpr std::array<Transition, kTimedStateCount> kTransitions = {{
    {TimedState::kPendingApproval, "pending_approval", "approved", "audit", "AUTO_APPROVE",
     "Approval deadline passed: approved automatically", "audit_time"},
    {TimedState::kPendingReturn, "pending_return", "cancelled", "complete", "TIMEOUT_PROCESS",
     "Return deadline passed: request cancelled automatically", "completed_time"},
    {TimedState::kPendingReceive, "pending_receive", "pending_refund", "refund", "TIMEOUT_PROCESS",
     "Receipt deadline passed: receipt confirmed automatically, awaiting refund", ""},
}};

// Only these types wait for goods to come back, so only they get a return deadline (and are
// cancelled when it passes).
inline constexpr std::array<std::string_view, 2> kReturnTypes = {"return_refund", "exchange"};

inline const Transition& transition_of(TimedState s) {
  return kTransitions[static_cast<std::size_t>(s)];
}

}  // namespace orderops::aftersales
