"""One `orderops manager` replica: started with port-0 endpoints and JSON logs; its identity and
ports are read from its own log lines ("leader election enabled", "serving metrics",
"serving probes")."""

import signal
import urllib.error
import urllib.request
from dataclasses import dataclass

from .binaries import require
from .metrics import fetch, scrape
from .process import Process, wait_for


@dataclass
class LeaseSettings:
    """Short leases keep failover tests quick; api.md's defaults are 15s/10s/2s."""
    lease_duration: str = "4s"
    renew_deadline: str = "3s"
    retry_period: str = "1s"
    name: str = "orderops-leader"
    namespace: str = "default"

    def seconds(self, field):
        value = getattr(self, field)
        assert value.endswith("s") and value[:-1].isdigit(), value
        return int(value[:-1])


class Manager:
    def __init__(self, name, kubeconfig, directory, lease=None, namespace=None,
                 max_concurrent_runs=None, extra_args=(), start_timeout=30, wrapper=()):
        """wrapper: a command line the manager's is appended to (e.g. one that drops privileges
        in a read-only mount namespace and execs the rest)."""
        self.name = name
        self.lease = lease
        args = [*wrapper, require("orderops"), "manager", "--kubeconfig", kubeconfig,
                "--metrics-bind-address", "127.0.0.1:0",
                "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json"]
        if lease is None:
            args.append("--leader-elect=false")
        else:
            args += ["--leader-elect=true", "--leader-election-id", lease.name,
                     "--leader-election-namespace", lease.namespace,
                     "--lease-duration", lease.lease_duration,
                     "--renew-deadline", lease.renew_deadline,
                     "--retry-period", lease.retry_period]
        if namespace:
            args += ["--namespace", namespace]
        if max_concurrent_runs:
            args += ["--max-concurrent-runs", str(max_concurrent_runs)]
        args += list(extra_args)
        self.process = Process(name, args, directory)
        self.identity = None
        self.metrics_port = None
        self.probe_port = None
        wait_for(self._read_startup, start_timeout, "manager %s to serve its endpoints" % name)
        wait_for(self.ready, start_timeout, "manager %s /readyz (caches synced)" % name)

    def _read_startup(self):
        if not self.process.running():
            raise AssertionError("manager %s exited during start:\n%s" % (
                self.name, self.process.tail()))
        for entry in self.process.json_lines():
            msg = entry.get("msg")
            if msg == "leader election enabled":
                self.identity = entry.get("identity")
            elif msg == "serving metrics":
                self.metrics_port = int(entry["port"])
            elif msg == "serving probes":
                self.probe_port = int(entry["port"])
        return self.metrics_port and self.probe_port and (self.identity or self.lease is None)

    # endpoints ---------------------------------------------------------------------------------
    def _probe(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.probe_port, path),
                                        timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def ready(self):
        return self._probe("/readyz")

    def healthy(self):
        return self._probe("/healthz")

    def metrics(self):
        return scrape(self.metrics_port)

    def metrics_text(self):
        return fetch(self.metrics_port)

    def is_leader_metric(self):
        """orderops_leader on this replica (None when it cannot be scraped)."""
        try:
            return self.metrics().value("orderops_leader")
        except (urllib.error.URLError, OSError):
            return None

    # logs --------------------------------------------------------------------------------------
    def logs(self):
        return self.process.json_lines()

    def log_messages(self, msg):
        return [e for e in self.logs() if e.get("msg") == msg]

    def raw_log(self):
        return self.process.stderr() + self.process.stdout()

    # lifecycle ---------------------------------------------------------------------------------
    def running(self):
        return self.process.running()

    def sigterm(self):
        self.process.send_signal(signal.SIGTERM)

    def sigkill(self):
        """Dies at once: no lease release, no cleanup, open transactions cut off."""
        self.process.kill_group()

    def wait(self, timeout):
        return self.process.wait(timeout)

    def stop(self):
        return self.process.stop(timeout=20)

    def tail(self, lines=40):
        return self.process.tail(lines)
