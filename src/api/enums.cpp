#include "api/enums.h"

#include <initializer_list>
#include <string>

#include "api/field_error.h"

namespace orderops::api {
namespace {

template <class E>
Result<E> parse_enum(std::string_view text, std::initializer_list<E> values) {
  std::string allowed;
  for (const E v : values) {
    if (to_string(v) == text) return v;
    if (!allowed.empty()) allowed += ", ";
    allowed += to_string(v);
  }
  return invalid(quote(text) + ": must be one of " + allowed);
}

}  // namespace

Result<ConcurrencyPolicy> parse_concurrency_policy(std::string_view text) {
  return parse_enum(
      text, {ConcurrencyPolicy::kForbid, ConcurrencyPolicy::kReplace, ConcurrencyPolicy::kAllow});
}

Result<TarType> parse_tar_type(std::string_view text) { return parse_enum(text, {TarType::kGzip}); }

Result<Trigger> parse_trigger(std::string_view text) {
  return parse_enum(text, {Trigger::kSchedule, Trigger::kManual});
}

Result<Outcome> parse_outcome(std::string_view text) {
  return parse_enum(text, {Outcome::kSucceeded, Outcome::kFailed, Outcome::kPartiallyFailed,
                           Outcome::kDeadlineExceeded, Outcome::kCancelled});
}

}  // namespace orderops::api
