// A LogSink that keeps every line, so tests can assert on what was logged (and that no secret
// was). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/log.h"

namespace orderops::testing {

class CaptureSink final : public LogSink {
 public:
  void write(std::string_view line) override {
    std::lock_guard lock(mu_);
    lines_.emplace_back(line);
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::string all() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace orderops::testing
