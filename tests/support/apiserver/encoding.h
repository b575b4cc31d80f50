// Small encoders the server needs: base64 (Secret data, kubeconfig CA data, continue tokens) and
// random identifiers (UUIDs for metadata.uid, generateName suffixes, bearer tokens).
// Thread-safe: randomness comes from OpenSSL's RAND_bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderops::apiserver {

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

std::string random_uuid();
// `n` characters from the alphabet apimachinery uses for generateName ("bcdf...z2456789").
std::string random_name_suffix(size_t n);
std::string random_hex(size_t bytes);

}  // namespace orderops::apiserver
