// Standard base64 (RFC 4648, with padding), as Kubernetes uses for Secret data and kubeconfig
// *-data fields and WeChat Pay for signatures and ciphertexts. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops {

std::string base64_encode(std::string_view bytes);
// Ignores ASCII white space (PEM-style line breaks); kInvalid for any other stray character or
// a length that is not a multiple of four once white space is removed.
Result<std::string> base64_decode(std::string_view text);

}  // namespace orderops
