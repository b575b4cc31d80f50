// orderops-test-postgres: a throwaway PostgreSQL for the demo and shell tests. Prints the URL of
// a migrated database, then keeps the cluster until SIGINT/SIGTERM/SIGHUP (or stdin closing with
// --until-stdin-closes) and removes it. The server also dies if this process is killed.
// For fault tests, SIGUSR1 stops the server (fast shutdown: sessions are cut, open transactions
// roll back) and SIGUSR2 starts the same cluster again on the same port; each prints one line,
// "postgres stopped" or "postgres started" (or "postgres start failed: ..."), on stdout.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "common/flags.h"
#include "postgres/postgres_cluster.h"

int main(int argc, char** argv) {
  std::string database = "orderops";
  std::string url_file;
  bool no_migrate = false;
  bool until_stdin = false;
  orderops::FlagSet flags("orderops-test-postgres");
  flags.add_string("--database", &database, "database to create (default orderops)");
  flags.add_string("--url-file", &url_file, "also write the URL to this file");
  flags.add_bool("--no-migrate", &no_migrate, "leave the database empty");
  flags.add_bool("--until-stdin-closes", &until_stdin, "also stop when stdin reaches EOF");
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = flags.parse(args);
  if (!parsed) return orderops::report_flag_error(parsed.error());
  if (!parsed->empty()) {
    std::cerr << "unexpected argument\n" << flags.usage();
    return 2;
  }
  // Block the signals we handle before anything else so none is lost to the default action.
  sigset_t handled;
  sigemptyset(&handled);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  const int sfd = signalfd(-1, &handled, SFD_CLOEXEC);

  auto cluster = orderops::testing::PostgresCluster::start();
  if (!cluster) {
    std::cerr << cluster.error().to_string() << "\n";
    return 1;
  }
  auto url = (*cluster)->create_database(database, !no_migrate);
  if (!url) {
    std::cerr << url.error().to_string() << "\n";
    return 1;
  }
  if (!url_file.empty()) std::ofstream(url_file) << *url << "\n";
  std::cout << *url << std::endl;

  pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  while (true) {
    if (::poll(fds, until_stdin ? 2 : 1, -1) < 0) continue;
    if (fds[0].revents) {
      signalfd_siginfo info{};
      if (::read(sfd, &info, sizeof info) != sizeof info) continue;
      if (info.ssi_signo == SIGUSR1) {
        (void)(*cluster)->stop();
        std::cout << "postgres stopped" << std::endl;
      } else if (info.ssi_signo == SIGUSR2) {
        auto started = (*cluster)->start_again();
        std::cout << (started ? "postgres started"
                              : "postgres start failed: " + started.error().to_string())
                  << std::endl;
      } else {
        break;
      }
    }
    if (until_stdin && fds[1].revents) {
      char buf[256];
      if (::read(STDIN_FILENO, buf, sizeof buf) <= 0) break;
    }
  }
  return 0;
}
