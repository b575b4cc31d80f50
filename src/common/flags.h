// Command-line flags for the `orderops` subcommands: `--flag value` and `--flag=value`, booleans
// as `--flag` or `--flag=false`, short aliases such as `-f`. Errors name the flag and the problem
// so the CLI can print them and exit 2. Not thread-safe (used once at start-up).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace orderops {

inline constexpr std::string_view kHelpReason = "Help";

// What every command does with a failed parse: help goes to stdout with exit code 0, anything
// else to stderr with exit code 2 (bad input). Returns the exit code.
int report_flag_error(const Error& error);

class FlagSet {
 public:
  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  // `names` is "--name" or "--name,-n". The target keeps its value when the flag is absent.
  void add_string(std::string_view names, std::string* target, std::string help);
  void add_bool(std::string_view names, bool* target, std::string help);
  void add_int(std::string_view names, std::int64_t* target, std::string help);
  // Records whether the flag was given at all (for flags whose default depends on context).
  void add_optional_string(std::string_view names, std::optional<std::string>* target,
                           std::string help);

  // Parses `args` (without the command words); returns the positional arguments. `-h`/`--help`
  // (unless the command registers its own) fails with reason kHelpReason and the usage as message.
  Result<std::vector<std::string>> parse(std::span<const std::string> args);
  std::string usage() const;

 private:
  enum class Kind { kString, kBool, kInt, kOptionalString };
  struct Flag {
    std::vector<std::string> names;
    Kind kind;
    void* target;
    std::string help;
  };
  void add(std::string_view names, Kind kind, void* target, std::string help);
  const Flag* find(std::string_view name) const;
  Status assign(const Flag& flag, std::string_view name, std::string_view value) const;

  std::string command_;
  std::vector<Flag> flags_;
};

}  // namespace orderops
