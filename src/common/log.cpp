#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace orderops {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

nlohmann::json to_json(const LogValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v.get());
}

std::string to_text(const LogValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
          return x;
        } else {
          return nlohmann::json(x).dump();
        }
      },
      v.get());
}

// spdlog's sink already serialises writers with its own mutex; we hand it whole lines so lines
// from different threads never interleave.
class SpdlogSink final : public LogSink {
 public:
  explicit SpdlogSink(std::shared_ptr<spdlog::sinks::sink> sink) : sink_(std::move(sink)) {
    sink_->set_pattern("%v");
  }
  void write(std::string_view line) override {
    spdlog::details::log_msg msg("", spdlog::level::info,
                                 spdlog::string_view_t(line.data(), line.size()));
    sink_->log(msg);
    sink_->flush();
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> sink_;
};

}  // namespace

Result<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn" || text == "warning") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return invalid("log level \"" + std::string(text) + "\": want debug, info, warn or error");
}

Result<LogFormat> parse_log_format(std::string_view text) {
  if (text == "json") return LogFormat::kJson;
  if (text == "text") return LogFormat::kText;
  return invalid("log format \"" + std::string(text) + "\": want json or text");
}

std::shared_ptr<LogSink> make_stderr_sink() {
  return std::make_shared<SpdlogSink>(std::make_shared<spdlog::sinks::stderr_sink_mt>());
}

Logger::Logger(std::shared_ptr<LogSink> sink, const Clock& clock, LogFormat format,
               LogLevel level, std::string name)
    : sink_(std::move(sink)), clock_(&clock), format_(format), level_(level),
      name_(std::move(name)) {}

Logger Logger::named(std::string_view name) const {
  Logger out = *this;
  out.name_ = name_.empty() ? std::string(name) : name_ + "." + std::string(name);
  return out;
}

Logger Logger::with(LogFields fields) const {
  Logger out = *this;
  for (auto& f : fields) out.bound_.push_back(std::move(f));
  return out;
}

void Logger::log(LogLevel level, std::string_view msg, const LogFields& fields) const {
  if (!enabled(level)) return;
  const std::string ts = format_rfc3339_micro(clock_->now());
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json line;
    line["ts"] = ts;
    line["level"] = level_name(level);
    line["msg"] = msg;
    if (!name_.empty()) line["logger"] = name_;
    for (const auto* set : {&bound_, &fields}) {
      for (const auto& f : *set) line[f.key] = to_json(f.value);
    }
    // Replace invalid UTF-8 rather than throw: a log line must never take the process down.
    sink_->write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::string line = ts + " " + std::string(level_name(level)) + " ";
  if (!name_.empty()) line += name_ + " ";
  line += msg;
  for (const auto* set : {&bound_, &fields}) {
    for (const auto& f : *set) line += " " + f.key + "=" + to_text(f.value);
  }
  sink_->write(line);
}

}  // namespace orderops
