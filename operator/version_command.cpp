#include <iostream>

#include "build_info.h"
#include "commands.h"
#include "common/flags.h"

namespace orderops::cli {

int version_command(std::span<const std::string> args) {
  FlagSet flags("orderops version");
  auto positional = flags.parse(args);
  if (!positional || !positional->empty()) {
    std::cerr << (positional ? "version: takes no arguments" : positional.error().message) << "\n";
    return kExitBadInput;
  }
  std::cout << "orderops " << kVersion << "\ngit commit: " << kGitCommit
            << "\nbuild date: " << kBuildDate << "\n";
  return kExitOk;
}

}  // namespace orderops::cli
