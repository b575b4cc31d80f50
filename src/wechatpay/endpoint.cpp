#include "wechatpay/endpoint.h"

namespace orderops::wechatpay {
namespace {

Result<std::size_t> authority_start(std::string_view url) {
  if (url.starts_with("https://")) return 8;
  if (url.starts_with("http://")) return 7;
  return invalid("URL \"" + std::string(url) + "\" must start with http:// or https://");
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view url) {
  auto start = authority_start(url);
  if (!start) return std::unexpected(start.error());
  const auto slash = url.find('/', *start);
  const std::string_view authority =
      url.substr(*start, slash == std::string_view::npos ? url.npos : slash - *start);
  if (authority.empty()) return invalid("endpoint \"" + std::string(url) + "\" has no host");
  if (authority.find('@') != std::string_view::npos) {
    return invalid("endpoint must not carry user info");
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return invalid("endpoint must not have a query or fragment");
  }
  Endpoint out{std::string(url.substr(0, *start + authority.size())), {}};
  if (slash != std::string_view::npos) {
    std::string_view path = url.substr(slash);
    while (path.ends_with('/')) path.remove_suffix(1);
    out.path_prefix = std::string(path);
  }
  return out;
}

Result<std::string> request_target_of(std::string_view absolute_url) {
  auto start = authority_start(absolute_url);
  if (!start) return std::unexpected(start.error());
  const auto slash = absolute_url.find('/', *start);
  if (slash == std::string_view::npos) return std::string("/");
  std::string_view target = absolute_url.substr(slash);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  return std::string(target);
}

}  // namespace orderops::wechatpay
