"""orderops-test-apiserver for one test environment: a free port, TLS, a kubeconfig in the
environment's directory and the admin (fault injection) API."""

import json
import os
import urllib.request

from .binaries import require
from .process import Process, wait_for


class ApiServer:
    def __init__(self, directory, start_timeout=30):
        self.kubeconfig = os.path.join(directory, "kubeconfig")
        self.process = Process("apiserver", [
            require("orderops-test-apiserver"), "--port", "0", "--admin-port", "0",
            "--write-kubeconfig", self.kubeconfig], directory)
        self.url = None
        self.admin_url = None
        wait_for(self._read_banner, start_timeout, "the test API server to listen")

    def _read_banner(self):
        if not self.process.running():
            raise AssertionError("orderops-test-apiserver exited:\n" + self.process.tail())
        for line in self.process.stdout().splitlines():
            if line.startswith("admin listening on "):
                self.admin_url = line.split(" on ", 1)[1].strip()
            elif line.startswith("listening on "):
                self.url = line.split(" on ", 1)[1].strip()
        return self.url is not None and os.path.exists(self.kubeconfig)

    def admin(self, method, path, body=None, timeout=10):
        """Calls the admin API (README: faults, latency, watches/drop, compact, clock, state)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.admin_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def stop(self):
        return self.process.stop()
