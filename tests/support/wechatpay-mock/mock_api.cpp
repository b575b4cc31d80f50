// MockService: routing of the /v3 API, body validation (reference section 8 steps 5-6), bills.
#include <zlib.h>

#include <algorithm>
#include <variant>

#include "mock_service.h"
#include "mock_util.h"
#include "wechatpay/encoding.h"

namespace orderops::wechatpay::mock {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxReceivers = 50;
constexpr auto kDownloadUrlLifetime = std::chrono::seconds(30);

Reply param_error(const std::string& field, const std::string& message) {
  return Reply::error(400, "PARAM_ERROR", message, {{"field", field}, {"location", "body"}});
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool has_four_byte_utf8(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return (static_cast<unsigned char>(c) & 0xF8) == 0xF0; });
}

bool valid_out_order_no(std::string_view v) {
  return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '|' ||
           c == '*' || c == '@';
  });
}

bool all_digits(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A required string field with a maximum length in characters.
std::variant<Reply, std::string> string_field(const json& body, const std::string& pointer,
                                              const char* key, std::size_t max, bool required) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (!required) return std::string();
    return param_error(pointer,
                       "输入源“/body" + pointer + "”映射到字段必填性规则校验失败，此字段为必填项");
  }
  if (!it->is_string()) return param_error(pointer, "字段类型错误，应为字符串");
  std::string v = it->get<std::string>();
  if ((required && v.empty()) || utf8_length(v) > max) {
    return param_error(pointer, "字段长度不符合要求");
  }
  return v;
}

std::variant<Reply, json> parse_body(const ServerRequest& request) {
  const std::string type = request.header("Content-Type").value_or("");
  if (!type.starts_with("application/json")) {
    return Reply::error(400, "PARAM_ERROR", "Content-Type须为application/json",
                        {{"field", "Content-Type"}, {"location", "header"}});
  }
  if (has_four_byte_utf8(request.body)) {
    return param_error("/", "请求中含有4字节UTF-8字符（如emoji），不支持");
  }
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return param_error("/", "请求体不是合法的JSON对象");
  return body;
}

}  // namespace

// Unwraps a variant<Reply, T>: an error Reply is answered at once.
#define TAKE_OR_REPLY(var, expr)                         \
  auto var##_v = (expr);                                 \
  if (auto* r = std::get_if<Reply>(&var##_v)) return *r; \
  auto var = std::move(std::get<1>(var##_v))

Reply MockService::dispatch(const ServerRequest& request, const Plan& plan, SystemTime t,
                            bool& raw_file) {
  const SplitTarget target = split_target(request.target);
  const auto query = parse_query(target.query);
  const std::string& p = target.path;
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (post && p == "/v3/profitsharing/orders") return create_order(request, t);
  if (post && p == "/v3/profitsharing/orders/unfreeze") return unfreeze(request, t);
  if (auto e = check_serial(request)) return *e;
  if (get && p == "/v3/certificates") return certificates(t);
  constexpr std::string_view kOrders = "/v3/profitsharing/orders/";
  if (get && p.starts_with(kOrders) && p.find('/', kOrders.size()) == std::string::npos) {
    auto out_order_no = percent_decode(std::string_view(p).substr(kOrders.size()));
    if (!out_order_no || !valid_out_order_no(*out_order_no)) {
      return Reply::error(400, "PARAM_ERROR", "out_order_no格式错误",
                          {{"field", "out_order_no"}, {"location", "path"}});
    }
    const auto tx = query.find("transaction_id");
    if (tx == query.end() || tx->second.empty()) {
      return Reply::error(400, "PARAM_ERROR", "transaction_id为必填项",
                          {{"field", "transaction_id"}, {"location", "query"}});
    }
    const std::string sub = query.contains("sub_mchid") ? query.at("sub_mchid") : "";
    return model_.query(sub, *out_order_no, tx->second, t);
  }
  constexpr std::string_view kTx = "/v3/profitsharing/transactions/";
  if (get && p.starts_with(kTx) && p.ends_with("/amounts")) {
    auto id = percent_decode(std::string_view(p).substr(kTx.size(), p.size() - kTx.size() - 8));
    if (!id || id->empty() || id->size() > 32) {
      return Reply::error(400, "PARAM_ERROR", "transaction_id格式错误",
                          {{"field", "transaction_id"}, {"location", "path"}});
    }
    return model_.amounts(*id, t);
  }
  if (get && p == "/v3/profitsharing/bills") return apply_bill(query, plan, t);
  if (get && p == "/v3/billdownload/file") return download(query, t, raw_file);
  return Reply::error(404, "NOT_FOUND", "请求的资源不存在: " + request.method + " " + p);
}

Reply MockService::create_order(const ServerRequest& request, SystemTime t) {
  TAKE_OR_REPLY(body, parse_body(request));
  CreateInput in;
  TAKE_OR_REPLY(appid, string_field(body, "/appid", "appid", 32, false));
  TAKE_OR_REPLY(tx, string_field(body, "/transaction_id", "transaction_id", 32, true));
  TAKE_OR_REPLY(out, string_field(body, "/out_order_no", "out_order_no", 64, true));
  TAKE_OR_REPLY(sub, string_field(body, "/sub_mchid", "sub_mchid", 32, false));
  in.appid = appid;
  in.transaction_id = tx;
  in.out_order_no = out;
  in.sub_mchid = sub;
  if (!valid_out_order_no(in.out_order_no)) {
    return param_error("/out_order_no", "商户分账单号只能是数字、大小写字母_-|*@");
  }
  if (!in.sub_mchid.empty() && !all_digits(in.sub_mchid)) {
    return param_error("/sub_mchid", "子商户号格式错误");
  }
  auto uu = body.find("unfreeze_unsplit");
  if (uu == body.end() || !uu->is_boolean()) {
    return param_error("/unfreeze_unsplit", "unfreeze_unsplit为必填的布尔值");
  }
  in.unfreeze_unsplit = uu->get<bool>();
  auto receivers = body.find("receivers");
  if (receivers == body.end() || !receivers->is_array() || receivers->empty() ||
      receivers->size() > kMaxReceivers) {
    return param_error("/receivers", "分账接收方列表须为1-50项");
  }
  bool any_name = false;
  for (std::size_t i = 0; i < receivers->size(); ++i) {
    const json& r = (*receivers)[i];
    const std::string at = "/receivers/" + std::to_string(i);
    if (!r.is_object()) return param_error(at, "分账接收方格式错误");
    ReceiverInput ri;
    TAKE_OR_REPLY(type, string_field(r, at + "/type", "type", 32, true));
    TAKE_OR_REPLY(account, string_field(r, at + "/account", "account", 64, true));
    TAKE_OR_REPLY(description, string_field(r, at + "/description", "description", 80, true));
    TAKE_OR_REPLY(name, string_field(r, at + "/name", "name", 1024, false));
    if (type != "MERCHANT_ID" && type != "PERSONAL_OPENID" &&
        !(type == "PERSONAL_SUB_OPENID" && !in.sub_mchid.empty())) {
      return param_error(at + "/type", "分账接收方类型错误");
    }
    auto amount = r.find("amount");
    if (amount == r.end() || !amount->is_number_integer() || amount->get<std::int64_t>() <= 0) {
      return param_error(at + "/amount", "分账金额须为大于0的整数（单位：分）");
    }
    ri.type = type;
    ri.account = account;
    ri.description = description;
    ri.amount = amount->get<std::int64_t>();
    if (!name.empty()) {
      any_name = true;
      ri.name = name;  // still ciphertext; decrypted below once the serial is checked
    }
    in.receivers.push_back(std::move(ri));
  }
  if (auto e = check_serial(request)) return *e;
  if (any_name) {
    const std::string serial = request.header("Wechatpay-Serial").value_or("");
    if (serial.empty()) {
      return Reply::error(400, "PARAM_ERROR",
                          "加密敏感信息时须在Http头Wechatpay-Serial中指明证书序列号",
                          {{"field", "Wechatpay-Serial"}, {"location", "header"}});
    }
    const auto key = key_for_serial(serial);
    for (std::size_t i = 0; i < in.receivers.size(); ++i) {
      auto& name = in.receivers[i].name;
      if (!name) continue;
      auto raw = base64_decode(*name);
      auto plain =
          raw ? key->decrypt_oaep(*raw) : Result<std::string>(std::unexpected(raw.error()));
      if (!plain) {
        return param_error("/receivers/" + std::to_string(i) + "/name",
                           "请确认待处理的消息是否为加密后的密文");
      }
      name = *plain;
    }
  }
  return model_.create(in, t);
}

Reply MockService::unfreeze(const ServerRequest& request, SystemTime t) {
  TAKE_OR_REPLY(body, parse_body(request));
  TAKE_OR_REPLY(tx, string_field(body, "/transaction_id", "transaction_id", 32, true));
  TAKE_OR_REPLY(out, string_field(body, "/out_order_no", "out_order_no", 64, true));
  TAKE_OR_REPLY(description, string_field(body, "/description", "description", 80, true));
  TAKE_OR_REPLY(sub, string_field(body, "/sub_mchid", "sub_mchid", 32, false));
  if (!valid_out_order_no(out)) {
    return param_error("/out_order_no", "商户分账单号只能是数字、大小写字母_-|*@");
  }
  if (auto e = check_serial(request)) return *e;
  return model_.unfreeze({sub, tx, out, description}, t);
}

Reply MockService::apply_bill(const std::map<std::string, std::string>& query, const Plan& plan,
                              SystemTime t) {
  const auto date = query.find("bill_date");
  if (date == query.end()) {
    return Reply::error(400, "PARAM_ERROR", "bill_date为必填项",
                        {{"field", "bill_date"}, {"location", "query"}});
  }
  const auto tar = query.find("tar_type");
  if (tar != query.end() && tar->second != "GZIP") {
    return Reply::error(400, "PARAM_ERROR", "tar_type只支持GZIP",
                        {{"field", "tar_type"}, {"location", "query"}});
  }
  const std::string sub = query.contains("sub_mchid") ? query.at("sub_mchid") : "";
  auto bill = model_.bill(sub, date->second, t);
  if (auto* r = std::get_if<Reply>(&bill)) return *r;
  const std::string& csv = std::get<std::string>(bill);
  BillFile file{csv, tar != query.end(), t + kDownloadUrlLifetime};
  if (file.gzip) {
    uLongf len = compressBound(static_cast<uLong>(csv.size())) + 32;
    std::string gz(len, '\0');
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(csv.data()));
    zs.avail_in = static_cast<uInt>(csv.size());
    zs.next_out = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_out = static_cast<uInt>(gz.size());
    deflate(&zs, Z_FINISH);
    gz.resize(zs.total_out);
    deflateEnd(&zs);
    file.bytes = std::move(gz);
  }
  const std::string token = random_alnum(40);
  bill_files_[token] = std::move(file);
  // hash_value is the SHA-1 of the uncompressed bill (not of the gzip bytes).
  const std::string hash = plan.bill_hash_mismatch ? sha1_hex(csv + "tampered") : sha1_hex(csv);
  return Reply::json({{"hash_type", "SHA1"},
                      {"hash_value", hash},
                      {"download_url", base_url_ + "/v3/billdownload/file?token=" + token}});
}

Reply MockService::download(const std::map<std::string, std::string>& query, SystemTime t,
                            bool& raw) {
  const auto token = query.find("token");
  const auto file = token == query.end() ? bill_files_.end() : bill_files_.find(token->second);
  if (file == bill_files_.end()) {
    return Reply::error(400, "INVALID_REQUEST", "下载链接无效");
  }
  if (t > file->second.expires) {
    return Reply::error(400, "INVALID_REQUEST", "下载链接已过期，请重新申请");
  }
  raw = true;
  return {200, file->second.bytes};
}

#undef TAKE_OR_REPLY

}  // namespace orderops::wechatpay::mock
