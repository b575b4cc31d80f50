#include "shutdown_signals.h"

#include <pthread.h>

#include <ctime>

namespace orderops::cli {

sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

std::jthread watch_shutdown_signals(sigset_t set, std::function<void(int)> on_signal) {
  return std::jthread([set, on_signal = std::move(on_signal)](std::stop_token stop) {
    while (!stop.stop_requested()) {
      timespec timeout{0, 200'000'000};
      const int sig = sigtimedwait(&set, nullptr, &timeout);
      if (sig == SIGTERM || sig == SIGINT) on_signal(sig);
    }
  });
}

}  // namespace orderops::cli
