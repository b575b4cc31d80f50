#include <iostream>

#include "commands.h"

namespace orderops::cli {

// Not built yet: the command exists so the CLI lists it, and says plainly that it is missing.
int schedule_command(std::span<const std::string>) {
  std::cerr << "orderops schedule: not implemented yet (tracked in issue 2)\n";
  return kExitFailed;
}

}  // namespace orderops::cli
