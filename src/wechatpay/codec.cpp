#include "wechatpay/codec.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace orderops::wechatpay {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::optional<SystemTime> time_of(const json& j, const char* key) {
  const std::string t = text(j, key);
  if (t.empty()) return std::nullopt;
  auto parsed = parse_rfc3339(t);
  if (!parsed) return std::nullopt;
  return *parsed;
}

Result<json> parse_object(std::string_view body, std::string_view what) {
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kInternal, "malformed " + std::string(what) + " response");
  }
  return doc;
}

OrderReceiver decode_receiver(const json& r) {
  OrderReceiver out;
  out.type_text = text(r, "type");
  out.type = parse_receiver_type(out.type_text).value_or(ReceiverType::kMerchantId);
  out.account = text(r, "account");
  out.amount = integer(r, "amount");
  out.description = text(r, "description");
  out.result_text = text(r, "result");
  out.result = parse_receiver_result(out.result_text);
  out.fail_reason = text(r, "fail_reason");
  out.detail_id = text(r, "detail_id");
  out.create_time = time_of(r, "create_time");
  out.finish_time = time_of(r, "finish_time");
  return out;
}

}  // namespace

Result<std::string> encode_create_order(const CreateOrderRequest& request,
                                        std::string_view sub_mchid) {
  json receivers = json::array();
  for (const auto& r : request.receivers) {
    if (r.name) return make_error(ErrorCode::kInternal, "receiver name not sealed before encoding");
    json item = {{"type", to_string(r.type)},
                 {"account", r.account},
                 {"amount", r.amount},
                 {"description", r.description}};
    if (r.sealed_name) item["name"] = r.sealed_name->ciphertext;
    receivers.push_back(std::move(item));
  }
  json body = {{"transaction_id", request.transaction_id},
               {"out_order_no", request.out_order_no},
               {"receivers", std::move(receivers)},
               {"unfreeze_unsplit", request.unfreeze_unsplit}};
  if (!request.appid.empty()) body["appid"] = request.appid;
  if (!sub_mchid.empty()) body["sub_mchid"] = sub_mchid;
  return body.dump();
}

std::string encode_unfreeze(const UnfreezeRequest& request, std::string_view sub_mchid) {
  json body = {{"transaction_id", request.transaction_id},
               {"out_order_no", request.out_order_no},
               {"description", request.description}};
  if (!sub_mchid.empty()) body["sub_mchid"] = sub_mchid;
  return body.dump();
}

Result<Order> decode_order(std::string_view body) {
  auto doc = parse_object(body, "order");
  if (!doc) return std::unexpected(doc.error());
  Order out;
  out.transaction_id = text(*doc, "transaction_id");
  out.out_order_no = text(*doc, "out_order_no");
  out.order_id = text(*doc, "order_id");
  out.state_text = text(*doc, "state");
  out.state = parse_order_state(out.state_text);
  out.create_time = time_of(*doc, "create_time");
  out.finish_time = time_of(*doc, "finish_time");
  if (auto it = doc->find("receivers"); it != doc->end() && it->is_array()) {
    for (const auto& r : *it) {
      if (r.is_object()) out.receivers.push_back(decode_receiver(r));
    }
  }
  if (out.out_order_no.empty() || out.state_text.empty()) {
    return make_error(ErrorCode::kInternal, "order response without out_order_no or state");
  }
  out.raw_json = std::string(body);
  return out;
}

Result<UnsplitAmount> decode_unsplit_amount(std::string_view body) {
  auto doc = parse_object(body, "amounts");
  if (!doc) return std::unexpected(doc.error());
  auto it = doc->find("unsplit_amount");
  if (it == doc->end() || !it->is_number_integer()) {
    return make_error(ErrorCode::kInternal, "amounts response without unsplit_amount");
  }
  return UnsplitAmount{text(*doc, "transaction_id"), it->get<std::int64_t>()};
}

Result<BillInfo> decode_bill(std::string_view body) {
  auto doc = parse_object(body, "bill");
  if (!doc) return std::unexpected(doc.error());
  BillInfo out{text(*doc, "hash_type"), text(*doc, "hash_value"), text(*doc, "download_url")};
  if (out.download_url.empty() || out.hash_value.empty()) {
    return make_error(ErrorCode::kInternal, "bill response without download_url or hash_value");
  }
  if (out.hash_type != "SHA1") {
    return make_error(ErrorCode::kInternal, "bill hash_type \"" + out.hash_type + "\" unsupported");
  }
  return out;
}

}  // namespace orderops::wechatpay
