// A PSS job in a process of its own that dies (_exit, no cleanup, the database connection just
// drops) right after it committed a RETRY or UNFREEZE intent and before the POST: the crash the
// integration tests must heal. Usage:
//   orderops-profitshare-crash-child --database-url URL --mock-dir DIR --task retry|unfreeze
// Exit 42: died at the crash point; 0: the run ended without reaching it; 2: bad arguments.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "profitshare/pg_repository.h"
#include "profitshare/task_runner.h"
#include "wechatpay/client.h"

namespace {

constexpr int kCrashed = 42;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace orderops;
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  const std::string dir = args["--mock-dir"];
  auto task = api::parse_cli_task(args["--task"]);
  if (dir.empty() || args["--database-url"].empty() || !task) {
    std::fprintf(stderr, "usage: --database-url URL --mock-dir DIR --task retry|unfreeze\n");
    return 2;
  }
  SystemClock clock;
  Logger logger(make_stderr_sink(), clock, LogFormat::kJson, LogLevel::kInfo, "crash-child");
  std::map<std::string, std::string> secret;
  for (const char* key : {"apiclient_key.pem", "merchant_serial_no", "apiv3_key"}) {
    secret[key] = read_file(dir + "/" + key);
  }
  auto credentials = wechatpay::credentials_from_secret(secret, read_file(dir + "/mch_id"));
  if (!credentials) {
    std::fprintf(stderr, "%s\n", credentials.error().message.c_str());
    return 2;
  }
  wechatpay::ClientOptions options;
  options.endpoint = read_file(dir + "/endpoint");
  options.extra_ca_pem = read_file(dir + "/ca.crt");
  auto client = wechatpay::Client::connect(*credentials, options, clock, logger);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message.c_str());
    return 2;
  }
  auto payment = profitshare::make_client_payment(**client);
  auto store = profitshare::make_pg_profitshare_store(
      pg::ConnectOptions{.url = args["--database-url"]}, clock);
  api::ProfitShareScheduleSpec spec;
  spec.merchant.mch_id = credentials->mch_id;
  const auto config = profitshare::config_from_spec(spec);
  profitshare::RunContext ctx{"crash-run", "shop", "merchant", false, {}, logger, clock, {}};
  ctx.after_intent_commit_for_test = [](std::string_view step, std::int64_t order_id) {
    std::fprintf(stderr, "crashing after %.*s (order %lld)\n", static_cast<int>(step.size()),
                 step.data(), static_cast<long long>(order_id));
    ::_exit(kCrashed);
  };
  const auto result = profitshare::run_profitshare_task(*task, config, *store, *payment, ctx);
  std::fprintf(stderr, "run ended: %s\n", result.message.c_str());
  return 0;
}
