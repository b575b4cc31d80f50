// The `orderops` subcommands. Each takes the arguments after its command word and returns the
// process exit code: 0 success, 1 failure of the work, 2 bad input (api.md section 7).
#pragma once

#include <span>
#include <string>

namespace orderops::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

int version_command(std::span<const std::string> args);
int schedule_command(std::span<const std::string> args);
int manager_command(std::span<const std::string> args);
int run_command(std::span<const std::string> args);
int db_command(std::span<const std::string> args);

}  // namespace orderops::cli
