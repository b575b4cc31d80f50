#include <iostream>

#include "build_info.h"
#include "commands.h"
#include "common/flags.h"

namespace orderops::cli {

int version_command(std::span<const std::string> args) {
  FlagSet flags("orderops version");
  auto positional = flags.parse(args);
  if (!positional) return report_flag_error(positional.error());
  if (!positional->empty()) {
    std::cerr << "version: takes no arguments\n";
    return kExitBadInput;
  }
  std::cout << "orderops " << kVersion << "\ngit commit: " << kGitCommit
            << "\nbuild date: " << kBuildDate << "\n";
  return kExitOk;
}

}  // namespace orderops::cli
