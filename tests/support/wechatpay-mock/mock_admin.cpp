// MockService: the /admin/ endpoints (README.md) that tests and the demo use to seed state,
// move time, switch faults and read what happened.
#include <stdexcept>

#include "common/time_format.h"
#include "mock_service.h"
#include "mock_util.h"

namespace orderops::wechatpay::mock {
namespace {

using nlohmann::json;

ServerResponse respond(int status, const json& body) {
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

Fault parse_fault(const json& in) {
  Fault f;
  f.kind = in.at("kind").get<std::string>();
  static const char* kKinds[] = {"500",
                                 "503",
                                 "202",
                                 "429",
                                 "error",
                                 "drop",
                                 "delay",
                                 "unsigned",
                                 "bad_signature",
                                 "signtest",
                                 "stale_timestamp",
                                 "unknown_serial",
                                 "bill_hash_mismatch"};
  if (std::find(std::begin(kKinds), std::end(kKinds), f.kind) == std::end(kKinds)) {
    throw std::invalid_argument("unknown fault kind " + f.kind);
  }
  f.remaining = in.value("count", 1);
  f.method = in.value("method", "");
  f.path = in.value("path", "");
  f.after_commit = in.value("after_commit", f.kind == "drop");
  f.status = in.value("status", 0);
  f.code = in.value("code", "");
  f.delay_ms = in.value("delay_ms", 0);
  f.retry_after = in.value("retry_after", -1);
  if (f.kind == "429" && !f.code.empty() && f.code != "RATELIMIT_EXCEED" &&
      f.code != "RATELIMIT_EXCEEDED" && f.code != "FREQUENCY_LIMITED") {
    throw std::invalid_argument(
        "429 code must be RATELIMIT_EXCEED, RATELIMIT_EXCEEDED or "
        "FREQUENCY_LIMITED");
  }
  return f;
}

json fault_json(const Fault& f) {
  return {{"kind", f.kind}, {"count", f.remaining},           {"method", f.method},
          {"path", f.path}, {"after_commit", f.after_commit}, {"status", f.status},
          {"code", f.code}, {"delay_ms", f.delay_ms},         {"retry_after", f.retry_after}};
}

}  // namespace

Status MockService::write_state(const std::string& url) const {
  std::lock_guard lock(mu_);
  return write_state_dir(options_.state_dir, keys_, url);
}

json MockService::admin_state() const {
  json certs = json::array();
  for (const auto& c : keys_.certs) {
    certs.push_back({{"serial_no", c.serial},
                     {"retired", c.retired},
                     {"effective_time", beijing_time(c.not_before)}});
  }
  return {{"mch_id", keys_.mch_id},
          {"merchant_serial_no", keys_.merchant_serial},
          {"wechatpay_public_key_id", keys_.pubkey_id},
          {"certificates", certs},
          {"certificates_enabled", options_.certificates},
          {"sign_mode", options_.sign_mode},
          {"processing_delay_seconds", model_.processing_delay()},
          {"now", beijing_time(now())},
          {"url", base_url_}};
}

ServerResponse MockService::handle_admin(const ServerRequest& request) {
  const SplitTarget target = split_target(request.target);
  const std::string& p = target.path;
  const std::string& m = request.method;
  std::lock_guard lock(mu_);
  const SystemTime t = now();
  try {
    const json in = request.body.empty() ? json::object() : json::parse(request.body);
    if (m == "GET" && p == "/admin/state") return respond(200, admin_state());
    if (m == "POST" && p == "/admin/reset") {
      model_.reset();
      model_.set_processing_delay(options_.processing_delay_s);
      faults_.clear();
      requests_.clear();
      bill_files_.clear();
      return respond(200, admin_state());
    }
    if (m == "POST" && p == "/admin/transactions")
      return respond(200, model_.seed_transaction(in, t));
    if (m == "GET" && p.starts_with("/admin/transactions/")) {
      model_.advance(t);
      return respond(200, model_.transaction_json(p.substr(20)));
    }
    if (m == "POST" && p == "/admin/relations") {
      model_.add_relation(
          in.at("account").get<std::string>(),
          in.contains("name") ? std::optional(in.at("name").get<std::string>()) : std::nullopt);
      return respond(200, json::object());
    }
    if (m == "POST" && p == "/admin/orders") return respond(200, model_.seed_order(in, t));
    if (m == "GET" && p == "/admin/orders") {
      model_.advance(t);
      return respond(200, model_.orders_json());
    }
    if (m == "POST" && p == "/admin/outcomes") {
      model_.set_outcome(in);
      return respond(200, json::object());
    }
    if (m == "GET" && p == "/admin/ledger") {
      model_.advance(t);
      return respond(200, model_.ledger_json());
    }
    if (m == "POST" && p == "/admin/config") {
      if (in.contains("processing_delay_seconds")) {
        model_.set_processing_delay(in.at("processing_delay_seconds").get<int>());
      }
      if (in.contains("sign_mode")) options_.sign_mode = in.at("sign_mode").get<std::string>();
      return respond(200, admin_state());
    }
    if (p == "/admin/time") {
      if (m == "POST" && in.contains("advance_seconds")) {
        offset_ += std::chrono::seconds(in.at("advance_seconds").get<std::int64_t>());
      } else if (m == "POST" && in.contains("set")) {
        auto target_time = parse_rfc3339(in.at("set").get<std::string>());
        if (!target_time) throw std::invalid_argument(target_time.error().message);
        offset_ += *target_time - now();
      }
      model_.advance(now());
      return respond(
          200,
          {{"now", beijing_time(now())},
           {"unix",
            std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count()}});
    }
    if (p == "/admin/faults") {
      if (m == "POST") faults_.push_back(parse_fault(in));
      if (m == "DELETE") faults_.clear();
      json out = json::array();
      for (const auto& f : faults_) out.push_back(fault_json(f));
      return respond(200, out);
    }
    if (m == "POST" && p == "/admin/rotate-certificate") {
      auto cert = make_platform_cert(t);
      if (!cert) throw std::runtime_error(cert.error().message);
      if (in.value("retire_old", false)) {
        for (auto& c : keys_.certs) c.retired = true;
      }
      keys_.certs.push_back(std::move(*cert));
      if (!options_.state_dir.empty()) {
        if (auto st = write_platform_cert(options_.state_dir, keys_); !st) {
          throw std::runtime_error(st.error().message);
        }
      }
      return respond(200, admin_state());
    }
    if (m == "POST" && p == "/admin/bills") {
      model_.set_bill_status(in.at("bill_date").get<std::string>(),
                             in.at("status").get<std::string>());
      return respond(200, json::object());
    }
    if (p == "/admin/requests") {
      if (m == "DELETE") requests_.clear();
      return respond(200, requests_);
    }
    return respond(404, {{"error", "no admin endpoint " + m + " " + p}});
  } catch (const std::out_of_range& e) {
    return respond(404, {{"error", e.what()}});
  } catch (const std::exception& e) {
    return respond(400, {{"error", e.what()}});
  }
}

}  // namespace orderops::wechatpay::mock
