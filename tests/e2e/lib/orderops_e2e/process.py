"""Child processes of an end-to-end test: each in its own process group with its output in files,
killed with the test (parent-death signal) even when the test runner itself is killed."""

import ctypes
import json
import os
import signal
import subprocess
import time

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Runs in the child between fork and exec: SIGKILL when the spawning thread dies, so a
    # test killed by ctest's TIMEOUT leaves no server behind.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


class Process:
    """One child process; stdout and stderr go to <dir>/<name>.out and <name>.err."""

    def __init__(self, name, args, directory, env=None, stdin_pipe=False):
        self.name = name
        self.args = list(args)
        self.out_path = os.path.join(directory, name + ".out")
        self.err_path = os.path.join(directory, name + ".err")
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=self._out, stderr=self._err, env=env, start_new_session=True,
            preexec_fn=_die_with_parent)
        self.pid = self.proc.pid
        self.signals_sent = []

    # state -------------------------------------------------------------------------------------
    def running(self):
        return self.proc.poll() is None

    @property
    def returncode(self):
        return self.proc.poll()

    def wait(self, timeout):
        """The exit code, or None if still running after `timeout` seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    # output ------------------------------------------------------------------------------------
    def stdout(self):
        return _read(self.out_path)

    def stderr(self):
        return _read(self.err_path)

    def json_lines(self, stream="stderr"):
        """The JSON objects among the lines of a stream (structured logs); other lines skipped."""
        text = self.stderr() if stream == "stderr" else self.stdout()
        out = []
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def tail(self, lines=40):
        parts = []
        for label, text in (("stdout", self.stdout()), ("stderr", self.stderr())):
            if text.strip():
                parts.append("--- %s %s (last %d lines) ---\n%s" % (
                    self.name, label, lines, "\n".join(text.splitlines()[-lines:])))
        state = "running" if self.running() else "exited %s" % self.returncode
        return "=== %s (pid %d, %s, signals %s)\n%s" % (
            self.name, self.pid, state, self.signals_sent or "none", "\n".join(parts))

    # stopping ----------------------------------------------------------------------------------
    def send_signal(self, sig):
        """Sends `sig` to the process itself (not its group)."""
        if self.running():
            self.signals_sent.append(signal.Signals(sig).name)
            os.kill(self.pid, sig)

    def kill_group(self):
        """SIGKILL to the whole process group: nothing the child started survives."""
        if self.running():
            self.signals_sent.append("SIGKILL(group)")
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.wait(10)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Graceful stop: `sig`, up to `timeout` seconds, then SIGKILL to the group. Returns the
        exit code. Always sweeps the group, so helpers the child started go too."""
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.send_signal(sig)
        code = self.wait(timeout)
        self.kill_group()
        for f in (self._out, self._err):
            if not f.closed:
                f.close()
        return code if code is not None else self.proc.poll()


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_for(predicate, timeout, what, interval=0.2):
    """Calls `predicate` until it returns something truthy and returns that; raises
    AssertionError naming `what` (and the last value seen) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0fs waiting for %s (last value: %r)" % (
                timeout, what, last))
        time.sleep(interval)
