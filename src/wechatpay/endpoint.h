// The configured endpoint URL split into what the transport connects to (origin) and what
// prefixes every signed request target (path). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::wechatpay {

struct Endpoint {
  std::string origin;       // "https://api.mch.weixin.qq.com" or "http://127.0.0.1:8080"
  std::string path_prefix;  // "" or "/prefix" (no trailing slash)
};

// Accepts http:// and https:// URLs without user info, query or fragment.
Result<Endpoint> parse_endpoint(std::string_view url);

// The path and query of an absolute URL ("https://h/v3/billdownload/file?token=x" ->
// "/v3/billdownload/file?token=x"), kept byte for byte.
Result<std::string> request_target_of(std::string_view absolute_url);

}  // namespace orderops::wechatpay
