// LISTEN on one channel over plain libpq, for tests that check pg_notify deliveries.
// Not thread-safe; one test thread uses it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/error.h"

namespace orderops::testing {

class PgListener {
 public:
  static Result<std::unique_ptr<PgListener>> open(const std::string& url,
                                                  const std::string& channel);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // The payload of the next notification, or nullopt when none came within `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit PgListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderops::testing
