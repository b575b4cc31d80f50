// Entry point of the `orderops` binary: picks the subcommand and hands it the remaining words.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"

namespace {

struct Command {
  std::string_view name;
  int (*run)(std::span<const std::string>);
  std::string_view summary;
};

constexpr Command kCommands[] = {
    {"manager", orderops::cli::manager_command, "run the controller manager"},
    {"run", orderops::cli::run_command, "execute one task of a resource manifest once, now"},
    {"schedule", orderops::cli::schedule_command, "schedule next: print the next fire times"},
    {"db", orderops::cli::db_command, "db migrate | db check: manage the database schema"},
    {"version", orderops::cli::version_command, "print version, git commit and build date"},
};

int usage(std::ostream& out, int code) {
  out << "usage: orderops <command> [flags]\n\ncommands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << "\t" << c.summary << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage(std::cerr, orderops::cli::kExitBadInput);
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") return usage(std::cout, 0);
  for (const auto& c : kCommands) {
    if (args[0] == c.name) return c.run(std::span<const std::string>(args).subspan(1));
  }
  std::cerr << "orderops: unknown command \"" << args[0] << "\"\n";
  return usage(std::cerr, orderops::cli::kExitBadInput);
}
