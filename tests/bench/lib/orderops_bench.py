"""Shared helpers of the controller, profitshare and failover benchmarks (tests/bench/<name>/
bench.py): the command line of tests/bench/run.sh, the e2e harness (tests/e2e/lib) pointed at
--bin-dir, statistics and Markdown formatting, /proc readings of a process (RSS, CPU), a test
API server that logs every request, and a small direct client of the Kubernetes API for
creating thousands of objects quickly (kubectl apply does one GET and one PATCH per object).

Call setup() before anything else: it parses the arguments and sets ORDEROPS_BIN_DIR before the
harness is imported (the harness reads it at import time)."""

import argparse
import base64
import calendar
import http.client
import json
import os
import ssl
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def setup(description):
    """Parses run.sh's arguments, points the e2e harness at --bin-dir and puts its temporary
    directories under --work-dir. Returns the argparse namespace."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--markdown", required=True)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    args.work_dir = os.path.abspath(args.work_dir)
    os.makedirs(args.work_dir, exist_ok=True)
    os.environ["ORDEROPS_BIN_DIR"] = args.bin_dir
    os.environ["ORDEROPS_SOURCE_DIR"] = SOURCE_DIR
    tempfile.tempdir = args.work_dir
    sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e", "lib"))
    return args


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# statistics --------------------------------------------------------------------------------------
def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def mmm(values, fmt="%.1f"):
    """'median (min-max)' of the repetitions' values."""
    if not values:
        return "n/a"
    return "%s (%s-%s)" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))


def median(values):
    return statistics.median(values)


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# /proc ------------------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def proc_memory_mib(pid):
    """{'VmRSS': MiB, 'VmHWM': MiB} of a live process."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0]) / 1024.0
    return out


def proc_cpu_seconds(pid):
    """utime + stime of a live process (all its threads), in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def rfc3339(text):
    """Seconds since the epoch of '2026-11-21T20:53:07Z' / '...07.043507Z' / '...+08:00'."""
    if text.endswith("Z"):
        text, offset = text[:-1], 0
    else:
        sign = 1 if text[-6] == "+" else -1
        offset = sign * (int(text[-5:-3]) * 3600 + int(text[-2:]) * 60)
        text = text[:-6]
    whole, _, frac = text.partition(".")
    return (calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) - offset +
            float("0." + (frac or "0")))


# the test API server with a request log ----------------------------------------------------------
def use_logging_apiserver():
    """Makes every Environment built afterwards start orderops-test-apiserver with
    --log-requests (one "METHOD path status" line per request on its stderr)."""
    from orderops_e2e import apiserver, environment
    from orderops_e2e.process import Process, wait_for

    class LoggingApiServer(apiserver.ApiServer):
        def __init__(self, directory, start_timeout=30):
            self.kubeconfig = os.path.join(directory, "kubeconfig")
            self.process = Process("apiserver", [
                apiserver.require("orderops-test-apiserver"), "--port", "0", "--admin-port",
                "0", "--write-kubeconfig", self.kubeconfig, "--log-requests"], directory)
            self.url = None
            self.admin_url = None
            wait_for(self._read_banner, start_timeout, "the test API server to listen")

    environment.ApiServer = LoggingApiServer


def request_log(apiserver):
    """[(method, path, status)] of the API server's request log so far."""
    out = []
    for line in apiserver.process.stderr().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            out.append((parts[0], parts[1], int(parts[2])))
    return out


# direct Kubernetes API client -------------------------------------------------------------------
class KubeApi:
    """JSON requests with the kubeconfig's server, CA and token; one keep-alive connection per
    thread. Only for the bench's own bulk writes and reads."""

    def __init__(self, kubeconfig):
        import yaml
        with open(kubeconfig) as f:
            cfg = yaml.safe_load(f)
        cluster = cfg["clusters"][0]["cluster"]
        self.server = cluster["server"]
        self.token = cfg["users"][0]["user"]["token"]
        self.ctx = ssl.create_default_context(
            cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
        host_port = self.server.split("://", 1)[1]
        self.host, _, port = host_port.partition(":")
        self.port = int(port)
        self.local = threading.local()

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
            self.local.conn = c
        return c

    def request(self, method, path, body=None, content_type="application/json"):
        """(status, parsed JSON body)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2):
            c = self._conn()
            try:
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                text = r.read()
                return r.status, (json.loads(text) if text else None)
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def check(self, method, path, body=None, content_type="application/json", ok=(200, 201)):
        status, answer = self.request(method, path, body, content_type)
        if status not in ok:
            raise AssertionError("%s %s: %d %s" % (method, path, status, answer))
        return answer

    def parallel(self, calls, threads=4):
        """Runs fn() for every fn of `calls` on `threads` threads; re-raises the first error."""
        calls = list(calls)
        errors = []
        lock = threading.Lock()
        index = [0]

        def worker():
            while True:
                with lock:
                    if errors or index[0] >= len(calls):
                        return
                    fn = calls[index[0]]
                    index[0] += 1
                try:
                    fn()
                except Exception as e:  # reported by the caller
                    with lock:
                        errors.append(e)

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise errors[0]

    def list_all(self, group_version_plural):
        """Every object of a custom resource, all namespaces, paged."""
        items, cont = [], ""
        while True:
            path = "/apis/%s?limit=500" % group_version_plural
            if cont:
                path += "&continue=" + cont
            answer = self.check("GET", path)
            items += answer.get("items", [])
            cont = answer.get("metadata", {}).get("continue", "")
            if not cont:
                return items


def write_markdown(path, text):
    with open(path, "w") as f:
        f.write(text.rstrip() + "\n")
