// One problem with one field of a resource, named by its JSON path ("spec.batchSize"), as the
// API server reports field causes. Decoding and validation return all of them at once so a user
// fixes a manifest in one pass. Value type; thread-compatible.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/error.h"

namespace orderops::api {

struct FieldError {
  std::string path;    // "spec.timeouts.pendingApproval.after"
  std::string detail;  // "duration \"3d\": unknown unit (want ns, us, ms, s, m or h)"

  // "spec.batchSize: 0: must be between 1 and 10000"
  std::string to_string() const { return path + ": " + detail; }
  bool operator==(const FieldError&) const = default;
};

using FieldErrors = std::vector<FieldError>;

// One kInvalid Error (reason "InvalidSpec") whose message lists every field error, "; "-separated.
Error to_error(std::span<const FieldError> errors);

// Quotes a user value for a message the way Go's %q would for printable text: "61 * * * *".
std::string quote(std::string_view value);

}  // namespace orderops::api
