// SIGTERM/SIGINT for the long-running commands: blocked in every thread, so they are taken by one
// watcher thread only and turned into a callback (a stop request) rather than killing the process
// halfway through a database batch.
#pragma once

#include <signal.h>

#include <functional>
#include <thread>

namespace orderops::cli {

// Blocks SIGTERM and SIGINT in the calling thread. Call it before any other thread starts: threads
// inherit the mask, so only the watcher below ever receives them.
sigset_t block_shutdown_signals();

// A thread that calls on_signal(SIGTERM or SIGINT) for each one that arrives, until it is asked
// to stop (it polls, so it ends promptly without a signal).
std::jthread watch_shutdown_signals(sigset_t set, std::function<void(int)> on_signal);

}  // namespace orderops::cli
