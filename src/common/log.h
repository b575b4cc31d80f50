// Structured logging: a fixed message plus key-values, one JSON object per line by default
// (`ts`, `level`, `msg`, `logger`, then the fields). Loggers are cheap values that share one sink;
// there is no global logger: the composition root builds one and passes it down.
// Thread-safe: any number of threads may log through copies of one Logger.
// Secrets never go into fields; use redact.h for anything that may carry one (DSNs).
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/error.h"

namespace orderops {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kJson, kText };

Result<LogLevel> parse_log_level(std::string_view text);
Result<LogFormat> parse_log_format(std::string_view text);

// Receives finished lines (without newline). Implementations must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(std::string_view line) = 0;
};

std::shared_ptr<LogSink> make_stderr_sink();

class LogValue {
 public:
  LogValue(std::string_view v) : value_(std::string(v)) {}
  LogValue(const char* v) : value_(std::string(v)) {}
  LogValue(const std::string& v) : value_(v) {}
  LogValue(bool v) : value_(v) {}
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  LogValue(I v) : value_(static_cast<std::int64_t>(v)) {}
  template <std::floating_point F>
  LogValue(F v) : value_(static_cast<double>(v)) {}

  const std::variant<std::string, std::int64_t, double, bool>& get() const { return value_; }

 private:
  std::variant<std::string, std::int64_t, double, bool> value_;
};

struct LogField {
  std::string key;
  LogValue value;
};
using LogFields = std::vector<LogField>;

class Logger {
 public:
  Logger(std::shared_ptr<LogSink> sink, const Clock& clock, LogFormat format, LogLevel level,
         std::string name = {});

  // A logger whose `logger` field is "<this name>.<name>".
  Logger named(std::string_view name) const;
  // A logger that adds `fields` to every line.
  Logger with(LogFields fields) const;

  bool enabled(LogLevel level) const { return level >= level_; }
  void log(LogLevel level, std::string_view msg, const LogFields& fields = {}) const;
  void debug(std::string_view msg, const LogFields& fields = {}) const {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, const LogFields& fields = {}) const {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, const LogFields& fields = {}) const {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, const LogFields& fields = {}) const {
    log(LogLevel::kError, msg, fields);
  }

 private:
  std::shared_ptr<LogSink> sink_;
  const Clock* clock_;
  LogFormat format_;
  LogLevel level_;
  std::string name_;
  LogFields bound_;
};

}  // namespace orderops
