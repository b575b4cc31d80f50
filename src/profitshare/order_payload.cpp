#include "profitshare/order_payload.h"

#include <nlohmann/json.hpp>

namespace orderops::profitshare {

namespace {

using nlohmann::json;

Result<json> parse_object(std::string_view payload) {
  auto doc = json::parse(payload, nullptr, false);
  if (!doc.is_object()) return invalid("request_payload is not a JSON object");
  return doc;
}

// nlohmann throws on type mismatches; this edge turns them into errors.
template <class F>
auto guarded(F f) -> decltype(f()) {
  try {
    return f();
  } catch (const json::exception& e) {
    return invalid(std::string("request_payload: ") + e.what());
  }
}

// Invalid UTF-8 (a legacy description) is replaced rather than thrown on; the same input always
// gives the same text, which is what a resend needs.
std::string dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<std::string> encode_create_payload(const wechatpay::CreateOrderRequest& r) {
  json receivers = json::array();
  for (const auto& x : r.receivers) {
    if (x.name || x.sealed_name) return invalid("receiver names must not be stored");
    receivers.push_back({{"type", wechatpay::to_string(x.type)},
                         {"account", x.account},
                         {"amount", x.amount},
                         {"description", x.description}});
  }
  json doc = {{"transaction_id", r.transaction_id},
              {"out_order_no", r.out_order_no},
              {"receivers", std::move(receivers)},
              {"unfreeze_unsplit", r.unfreeze_unsplit}};
  if (!r.appid.empty()) doc["appid"] = r.appid;
  return dump(doc);
}

Result<wechatpay::CreateOrderRequest> decode_create_payload(std::string_view payload) {
  auto doc = parse_object(payload);
  if (!doc) return std::unexpected(doc.error());
  return guarded([&]() -> Result<wechatpay::CreateOrderRequest> {
    wechatpay::CreateOrderRequest r;
    r.appid = doc->value("appid", std::string());
    r.transaction_id = doc->at("transaction_id").get<std::string>();
    r.out_order_no = doc->at("out_order_no").get<std::string>();
    r.unfreeze_unsplit = doc->at("unfreeze_unsplit").get<bool>();
    for (const auto& x : doc->at("receivers")) {
      const auto type_text = x.at("type").get<std::string>();
      const auto type = wechatpay::parse_receiver_type(type_text);
      if (!type) return invalid("request_payload: unknown receiver type " + type_text);
      r.receivers.push_back({*type, x.at("account").get<std::string>(),
                             x.at("amount").get<std::int64_t>(),
                             x.at("description").get<std::string>(), std::nullopt, std::nullopt});
    }
    return r;
  });
}

std::string encode_unfreeze_payload(const wechatpay::UnfreezeRequest& r) {
  return dump(json{{"transaction_id", r.transaction_id},
                   {"out_order_no", r.out_order_no},
                   {"description", r.description}});
}

Result<wechatpay::UnfreezeRequest> decode_unfreeze_payload(std::string_view payload) {
  auto doc = parse_object(payload);
  if (!doc) return std::unexpected(doc.error());
  return guarded([&]() -> Result<wechatpay::UnfreezeRequest> {
    return wechatpay::UnfreezeRequest{doc->at("transaction_id").get<std::string>(),
                                      doc->at("out_order_no").get<std::string>(),
                                      doc->at("description").get<std::string>()};
  });
}

}  // namespace orderops::profitshare
